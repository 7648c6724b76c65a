using System.Reactive.Linq;
using MeshSim.Control.Registry;
using MeshSim.Control.Sources;
using MeshSim.Control.Sources.Consul;
using MeshSim.Control.Sources.Kubernetes;

namespace MeshSim.Control.Live;

/// <summary>Registry sources as observables of <see cref="RegistryUpdate"/>.</summary>
public static class LiveSources
{
    /// <summary>A Consul agent watched with blocking queries; outages become <see cref="RegistryUpdate.Down"/> updates.</summary>
    public static IObservable<RegistryUpdate> Consul(ConsulWatcher watcher, string name, IntentionAction defaultPolicy = IntentionAction.Allow) =>
        Observable.Create<RegistryUpdate>((observer, ct) => watcher.RunAsync(
            snapshot =>
            {
                var mapped = RegistryMapping.FromConsul(snapshot, defaultPolicy);
                observer.OnNext(RegistryUpdate.Snapshot(name, mapped.Registry, [.. watcher.PartialErrors, .. mapped.Rejected]));
            },
            status => { if (!status.Reachable) observer.OnNext(RegistryUpdate.Down(name, $"{status.Error} (retry {status.ConsecutiveFailures} in {status.NextRetryIn.TotalMilliseconds:0} ms)")); },
            ct));

    /// <summary>Kubernetes pod manifests read once from files (as <c>kubectl get pods -o yaml</c> wrote them).</summary>
    public static IObservable<RegistryUpdate> PodFiles(IReadOnlyList<string> files, IntentionAction defaultPolicy = IntentionAction.Allow) =>
        Observable.Defer(() =>
        {
            var pods = new List<MeshPod>();
            var errors = new List<string>();
            foreach (var f in files)
            {
                if (!File.Exists(f)) return Observable.Return(RegistryUpdate.Down("k8s", $"{f}: no such file"));
                var r = PodManifestReader.Read(File.ReadAllText(f), f);
                pods.AddRange(r.Pods);
                errors.AddRange(r.Errors);
            }
            var mapped = RegistryMapping.FromPods(pods, defaultPolicy);
            return Observable.Return(RegistryUpdate.Snapshot("k8s", mapped.Registry, [.. errors, .. mapped.Rejected]));
        });
}
