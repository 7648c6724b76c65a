using MeshSim.Cli;

return await MeshSimCommand.RunAsync(args, Console.Out, Console.Error);
