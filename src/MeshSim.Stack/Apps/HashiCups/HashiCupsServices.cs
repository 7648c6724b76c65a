using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Async;

namespace MeshSim.Stack.Apps.HashiCups;

/// <summary>
/// The HashiCups service models as HTTP servers on simulated hosts. Each request takes its service
/// time on the host's CPU, calls its upstreams (sequentially, as the demo's code does) and answers
/// with a body of the configured size. Upstream failures become 502 responses, so a broken mesh
/// shows up in the caller's status codes rather than as an exception.
/// </summary>
public static class HashiCupsServices
{
    /// <summary>frontend: GET / serves the page; /api is proxied to public-api (as the demo's nginx does).</summary>
    public static HttpServer Frontend(Host host, ServiceModel model, Endpoint publicApi)
    {
        var client = new SimHttpClient(host);
        return new HttpServer(host, model.Port)
            .Map("/", async _ => { await host.Cpu.RunAsync(model.ServiceTimeNs); return HttpResponse.Ok(model.ResponseBytes, "text/html"); })
            .Map("/api", async req =>
            {
                await host.Cpu.RunAsync(model.ServiceTimeNs);
                return await Upstream(client, publicApi, req with { Path = "/api" }) is { Status: 200 } r ? r : Bad("public-api");
            })
            .Start();
    }

    /// <summary>public-api: /api fetches coffees from product-api and then makes a payment at payments-api.</summary>
    public static HttpServer PublicApi(Host host, ServiceModel model, Endpoint productApi, Endpoint paymentsApi)
    {
        var client = new SimHttpClient(host);
        return new HttpServer(host, model.Port)
            .Map("/", async _ =>
            {
                await host.Cpu.RunAsync(model.ServiceTimeNs);
                var coffees = await Upstream(client, productApi, HttpRequest.Get("/coffees"));
                if (coffees.Status != 200) return Bad("product-api");
                var payment = await Upstream(client, paymentsApi, HttpRequest.Post("/", HttpHeaders.Filler(64)));
                if (payment.Status != 200) return Bad("payments-api");
                return HttpResponse.Ok(model.ResponseBytes);
            })
            .Start();
    }

    /// <summary>product-api: /coffees queries the database, then answers.</summary>
    public static HttpServer ProductApi(Host host, ServiceModel model, Endpoint database)
    {
        var db = new DbService.Client(host, database);
        return new HttpServer(host, model.Port)
            .Map("/", async _ =>
            {
                await host.Cpu.RunAsync(model.ServiceTimeNs);
                try { await db.QueryAsync("SELECT id, name, price FROM coffees"); }
                catch (Sockets.TcpException) { return Bad("postgres"); }
                return HttpResponse.Ok(model.ResponseBytes);
            })
            .Start();
    }

    /// <summary>payments-api: answers every request after its service time.</summary>
    public static HttpServer PaymentsApi(Host host, ServiceModel model) =>
        new HttpServer(host, model.Port)
            .Map("/", async _ => { await host.Cpu.RunAsync(model.ServiceTimeNs); return HttpResponse.Ok(model.ResponseBytes); })
            .Start();

    /// <summary>postgres: the database model.</summary>
    public static DbService Postgres(Host host, ServiceModel model) => new(host, model);

    private static async SimTask<HttpResponse> Upstream(SimHttpClient client, Endpoint to, HttpRequest request)
    {
        try { return await client.SendAsync(to.Address, to.Port, request); }
        catch (Sockets.TcpException e) { return HttpResponse.Text(502, $"upstream {to}: {e.Message}\n"); }
        catch (HttpFramingException e) { return HttpResponse.Text(502, $"upstream {to}: {e.Message}\n"); }
    }

    private static HttpResponse Bad(string upstream) => HttpResponse.Text(502, $"{upstream} failed\n");
}
