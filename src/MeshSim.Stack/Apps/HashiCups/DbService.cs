using System.Buffers.Binary;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack.Apps.HashiCups;

/// <summary>
/// A postgres-like database model: a TCP service where each query is a message of a 4-byte
/// big-endian length plus query text, answered after the service time with a message of the same
/// framing holding <see cref="ServiceModel.ResponseBytes"/> of rows. It stands in for the wire
/// protocol's cost (a request/response exchange per query over a kept-open connection), not its syntax.
/// </summary>
public sealed class DbService
{
    private readonly Host _host;

    /// <summary>Starts the service on <paramref name="host"/>.</summary>
    public DbService(Host host, ServiceModel model)
    {
        _host = host; Model = model;
        var listener = host.Listen(model.Port);
        host.Sim.Spawn(async () =>
        {
            while (true)
            {
                var s = await listener.AcceptAsync();
                host.Sim.Spawn(() => Serve(s));
            }
        });
    }

    /// <summary>The behaviour model.</summary>
    public ServiceModel Model { get; }
    /// <summary>Queries answered.</summary>
    public long Queries { get; private set; }

    private async SimTask Serve(TcpSocket s)
    {
        var reader = new MessageReader(s);
        try
        {
            while (await reader.ReadAsync() is not null)
            {
                await _host.Cpu.RunAsync(Model.ServiceTimeNs);
                Queries++;
                await s.SendAsync(MessageReader.Frame(new byte[Model.ResponseBytes]));
            }
            s.Close();
        }
        catch (TcpException) { s.Abort(); }
    }

    /// <summary>Client side: a pool of kept-open connections, one query at a time on each (as a
    /// database driver's pool does); concurrent queries open more connections.</summary>
    public sealed class Client(Host host, Endpoint db)
    {
        private readonly Stack<(TcpSocket Socket, MessageReader Reader)> _idle = new();

        /// <summary>Sends <paramref name="query"/> and waits for its rows.</summary>
        public async SimTask<byte[]> QueryAsync(string query)
        {
            (TcpSocket Socket, MessageReader Reader)? pooled = null;
            while (_idle.Count > 0 && pooled is null)
            {
                var c = _idle.Pop();
                if (c.Socket.State == TcpState.Established) pooled = c; else c.Socket.Close();
            }
            if (pooled is null)
            {
                var s = await host.ConnectAsync(db.Address, db.Port);
                pooled = (s, new MessageReader(s));
            }
            var conn = pooled.Value;
            await conn.Socket.SendAsync(MessageReader.Frame(System.Text.Encoding.UTF8.GetBytes(query)));
            var rows = await conn.Reader.ReadAsync() ?? throw new TcpException(TcpError.ConnectionReset, $"database {db} closed the connection");
            _idle.Push(conn);
            return rows;
        }
    }

    /// <summary>Length-prefixed message framing over a stream.</summary>
    private sealed class MessageReader(TcpSocket socket)
    {
        private readonly byte[] _chunk = new byte[8192];
        private readonly MemoryStream _pending = new();

        public static byte[] Frame(byte[] body)
        {
            var m = new byte[4 + body.Length];
            BinaryPrimitives.WriteInt32BigEndian(m, body.Length);
            body.CopyTo(m, 4);
            return m;
        }

        /// <summary>The next message body, or null at a clean end of stream.</summary>
        public async SimTask<byte[]?> ReadAsync()
        {
            while (true)
            {
                var buf = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
                if (buf.Length >= 4)
                {
                    int len = BinaryPrimitives.ReadInt32BigEndian(buf);
                    if (len < 0 || len > 16 * 1024 * 1024) throw new TcpException(TcpError.Aborted, $"bad database message length {len} (expected 0..16 MiB)");
                    if (buf.Length >= 4 + len)
                    {
                        var body = buf.Slice(4, len).ToArray();
                        var rest = buf[(4 + len)..].ToArray();
                        _pending.SetLength(0);
                        _pending.Write(rest);
                        return body;
                    }
                }
                int n = await socket.ReceiveAsync(_chunk);
                if (n == 0)
                {
                    if (_pending.Length == 0) return null;
                    throw new TcpException(TcpError.ConnectionReset, "database connection closed mid-message");
                }
                _pending.Write(_chunk, 0, n);
            }
        }
    }
}
