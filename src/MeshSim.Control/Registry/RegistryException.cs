namespace MeshSim.Control.Registry;

/// <summary>An invalid registry, topology or combination of both; the message names the offending item and what was expected.</summary>
public sealed class RegistryException(string message) : Exception(message);
