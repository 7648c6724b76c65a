namespace MeshSim.Ovs;

/// <summary>
/// Parses one group in <c>ovs-ofctl -O OpenFlow15 add-group</c> syntax (OVS's
/// <c>parse_ofp_group_mod_str__</c> and <c>parse_bucket_str</c>): group properties first, then
/// everything from the first <c>bucket=</c> on, split at each further <c>bucket=</c>.
/// </summary>
internal static class GroupParser
{
    private const uint MaxGroupId = 0xffffff00, MaxBucketId = 0xffffff00;

    public static GroupEntry Parse(string text, ParseContext ctx)
    {
        int firstBucket = text.IndexOf("bucket=", StringComparison.Ordinal);
        int propsEnd = firstBucket < 0 ? text.Length : firstBucket;

        uint? groupId = null;
        GroupType? type = null;
        string? method = null;
        ulong methodParam = 0;
        var fields = new List<FieldMatch>();
        int fieldsOffset = 0;

        var scanner = new KeyValueScanner(text, 0, propsEnd);
        while (scanner.Next(out var kv))
        {
            switch (kv.Key)
            {
                case "group_id":
                    if (!CNumber.TryParseAll(kv.Value, 0, out var id) || id > uint.MaxValue)
                        throw ctx.Error(kv.ValueOffset, kv.Value.Length == 0 ? "missing required numeric argument" : $"invalid numeric format {kv.Value}");
                    if (id > MaxGroupId) throw ctx.Error(kv.ValueOffset, $"invalid group id {id}");
                    groupId = (uint)id;
                    break;
                case "type":
                    type = kv.Value switch
                    {
                        "all" => GroupType.All,
                        "select" => GroupType.Select,
                        "indirect" => GroupType.Indirect,
                        "ff" or "fast_failover" => GroupType.FastFailover,
                        _ => throw ctx.Error(kv.ValueOffset, $"invalid group type {kv.Value}"),
                    };
                    break;
                case "selection_method":
                    if (kv.Value.Length >= 16) throw ctx.Error(kv.ValueOffset, "selection method is longer than 15 bytes long");
                    method = kv.Value;
                    break;
                case "selection_method_param":
                    if (!CNumber.TryParseAll(kv.Value, 0, out methodParam)) throw ctx.Error(kv.ValueOffset, $"invalid numeric format {kv.Value}");
                    break;
                case "fields":
                    fieldsOffset = kv.KeyOffset;
                    ParseFields(text, kv, ctx, fields);
                    break;
                default:
                    throw ctx.Error(kv.KeyOffset, $"unknown keyword {kv.Key}");
            }
        }
        if (groupId is null) throw ctx.Error(0, "must specify a group_id");
        if (type is null) throw ctx.Error(0, "must specify a type");
        if (method is not null && method is not ("hash" or "dp_hash"))
            throw ctx.Error(0, $"selection method \"{method}\" is not supported: OVS 3.1 knows \"dp_hash\" and \"hash\" (OFPGMFC_BAD_PROP_VALUE)");
        if (method != "hash" && fields.Count > 0) throw ctx.Error(fieldsOffset, "fields may only be specified with \"selection_method=hash\"");
        if (method is null && methodParam != 0) throw ctx.Error(0, "selection_method_param is only allowed with \"selection_method\"");

        var buckets = new List<(uint? Id, ushort Weight, uint WatchPort, uint WatchGroup, IReadOnlyList<OvsAction> Actions, int Offset)>();
        int pos = firstBucket;
        while (pos >= 0)
        {
            int contentStart = text.IndexOf('=', pos + 1) + 1;
            int next = text.IndexOf("bucket=", contentStart, StringComparison.Ordinal);
            int contentEnd = next < 0 ? text.Length : next;
            buckets.Add(ParseBucket(text, contentStart, contentEnd, pos, type.Value, ctx));
            if (type != GroupType.Select && buckets[^1].Weight != 0)
                throw ctx.Error(pos, "Only select groups can have bucket weights.");
            pos = next;
        }
        if (type == GroupType.Indirect && buckets.Count > 1) throw ctx.Error(0, "Indirect groups can have at most one bucket.");
        // ovs-ofctl lets it through; the switch refuses an indirect group that has nothing to run.
        if (type == GroupType.Indirect && buckets.Count == 0)
            throw ctx.Error(text.Length, "an indirect group needs exactly one bucket, e.g. bucket=output:1 (the switch refuses it without: OFPGMFC_INVALID_GROUP)");

        var assigned = AssignBucketIds(buckets.Select(b => b.Id).ToList());
        for (int i = 0; i < assigned.Count; i++)
            for (int j = 0; j < i; j++)
                if (assigned[i] == assigned[j])
                    throw ctx.Error(buckets[i].Offset, $"duplicate bucket id {assigned[i]} (OFPGMFC_BAD_BUCKET)");

        var result = buckets.Select((b, i) => new Bucket(assigned[i], b.Weight, b.WatchPort, b.WatchGroup, b.Actions)).ToList();
        return new GroupEntry(groupId.Value, type.Value, method, methodParam, fields, result);
    }

    /// <summary>
    /// OVS's <c>ofputil_encode_ofp15_group_mod</c>: a bucket without an id gets the lowest id not used
    /// by the buckets after the first id-less bucket, nor already handed out.
    /// </summary>
    private static List<uint> AssignBucketIds(List<uint?> ids)
    {
        var result = new List<uint>(ids.Count);
        HashSet<uint>? pool = null;
        for (int i = 0; i < ids.Count; i++)
        {
            if (ids[i] is { } explicitId) { result.Add(explicitId); continue; }
            if (pool is null)
            {
                pool = [];
                for (int j = ids.Count - 1; j > i; j--)
                    if (ids[j] is { } later) pool.Add(later);
            }
            uint candidate = 0;
            while (pool.Contains(candidate)) candidate++;
            pool.Add(candidate);
            result.Add(candidate);
        }
        return result;
    }

    private static (uint? Id, ushort Weight, uint WatchPort, uint WatchGroup, IReadOnlyList<OvsAction> Actions, int Offset) ParseBucket(
        string text, int start, int end, int bucketOffset, GroupType type, ParseContext ctx)
    {
        uint? id = null;
        ushort weight = type == GroupType.Select ? (ushort)1 : (ushort)0;
        uint watchPort = Bucket.NoWatchPort, watchGroup = Bucket.NoWatchGroup;
        var actions = new List<OvsAction>();
        bool anyAction = false;
        var check = ActionCheck.ForGroup();
        var scanner = new KeyValueScanner(text, start, end);
        while (scanner.Next(out var kv))
        {
            switch (kv.Key.ToLowerInvariant())
            {
                case "weight":
                    if (!CNumber.TryParseRange(kv.Value, 0, 65535, out var w)) throw ctx.Error(kv.ValueOffset, $"invalid weight \"{kv.Value}\"");
                    weight = (ushort)w;
                    continue;
                case "watch_port":
                    if (!FieldValueParser.TryParsePort(kv.Value, out var wp) || (wp >= OfPort.Max && wp != OfPort.None && wp != OfPort.Controller))
                        throw ctx.Error(kv.ValueOffset, $"{kv.Value}: invalid watch_port");
                    watchPort = wp == OfPort.None ? Bucket.NoWatchPort : wp;
                    continue;
                case "watch_group":
                    if (!CNumber.TryParseAll(kv.Value, 0, out var wg) || wg > uint.MaxValue) throw ctx.Error(kv.ValueOffset, $"invalid numeric format {kv.Value}");
                    if (wg > MaxGroupId) throw ctx.Error(kv.ValueOffset, $"invalid watch_group id {wg}");
                    watchGroup = (uint)wg;
                    continue;
                case "bucket_id":
                    if (!CNumber.TryParseAll(kv.Value, 0, out var b) || b > uint.MaxValue) throw ctx.Error(kv.ValueOffset, $"invalid numeric format {kv.Value}");
                    if (b > MaxBucketId) throw ctx.Error(kv.ValueOffset, $"invalid bucket_id id {b}");
                    id = (uint)b;
                    continue;
                case "action" or "actions":
                    actions.AddRange(ActionParser.ParseList(text, kv.ValueOffset, kv.ValueOffset + kv.Value.Length, ctx, check));
                    anyAction = true;
                    continue;
            }
            // Anything else is an action written directly in the bucket.
            int valueEnd = kv.ValueOffset + kv.Value.Length;
            bool closed = kv.Delimiter == '(' && valueEnd < end && text[valueEnd] == ')';
            actions.AddRange(ActionParser.ParseList(text, kv.KeyOffset, valueEnd + (closed ? 1 : 0), ctx, check));
            anyAction = true;
        }
        if (!anyAction) throw ctx.Error(bucketOffset, "bucket must specify actions");
        if (type is GroupType.All or GroupType.Indirect && (watchPort != Bucket.NoWatchPort || watchGroup != Bucket.NoWatchGroup))
            throw ctx.Error(bucketOffset, "watch_port and watch_group are not supported in all and indirect groups (OFPGMFC_WATCH_UNSUPPORTED)");
        if (type == GroupType.FastFailover && watchPort == Bucket.NoWatchPort && watchGroup == Bucket.NoWatchGroup)
            throw ctx.Error(bucketOffset, "fast failover bucket requires watch_port or watch_group");
        return (id, weight, watchPort, watchGroup, actions, bucketOffset);
    }

    private static void ParseFields(string text, KeyValue kv, ParseContext ctx, List<FieldMatch> fields)
    {
        var scanner = new KeyValueScanner(text, kv.ValueOffset, kv.ValueOffset + kv.Value.Length);
        while (scanner.Next(out var f))
        {
            if (!OvsFields.TryGet(f.Key, out var field) || f.Key.StartsWith("NXM_", StringComparison.Ordinal))
                throw ctx.Error(f.KeyOffset, $"{f.Key}: unknown field");
            if (fields.Any(x => x.Field == field.Id)) throw ctx.Error(f.KeyOffset, $"{f.Key}: duplicate field");
            UInt128 mask = field.FullMask;
            if (f.Value.Length > 0)
            {
                var error = FieldValueParser.Parse(field, f.Value, out var value, out var m);
                if (error is not null) throw ctx.Error(f.ValueOffset, error);
                if (m != field.FullMask && m != ((UInt128.One << ((field.Bits + 7) / 8 * 8)) - 1))
                    throw ctx.Error(f.ValueOffset, $"{f.Value}: wildcards not allowed here");
                if (value == 0) throw ctx.Error(f.ValueOffset, $"{f.Value}: values are wildcards here and must not be all-zeros");
                mask = value;
            }
            fields.Add(new FieldMatch(field.Id, 0, mask));
        }
    }
}
