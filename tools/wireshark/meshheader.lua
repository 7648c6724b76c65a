-- Wireshark/tshark dissector for the MeshSim mesh header, version 2 (docs/mesh-header.md).
--
-- The mesh header sits at the start of each HTTP/1.1 message in a TCP stream. This dissector is
-- registered as a heuristic TCP dissector: it claims a TCP payload that starts with the magic
-- "MH" followed by version 2, decodes the header, and hands the bytes after it to the HTTP dissector.
--
-- Usage:  tshark -X lua_script:tools/wireshark/meshheader.lua -r capture.pcap -Y meshheader
-- On ports that Wireshark already maps to HTTP (80, 8080, ...) the HTTP port mapping wins over
-- heuristics; name such ports explicitly:  -d tcp.port==80,meshheader
--
-- Limits and rules are those of the spec; violations are marked as expert errors, never fatal.

local MAGIC0, MAGIC1, VERSION = 0x4D, 0x48, 2
local FIXED_LENGTH, ENTRY_LENGTH, MAX_TOTAL = 10, 3, 8192
local MAX_ROUTE, MAX_HEADERS, MAX_LABEL, MAX_VALUE = 2048, 32, 64, 1024

local methods = {
    [0] = "none", [1] = "GET", [2] = "HEAD", [3] = "POST", [4] = "PUT", [5] = "DELETE",
    [6] = "CONNECT", [7] = "OPTIONS", [8] = "TRACE", [9] = "PATCH", [15] = "extension",
}
local types = { [0] = "request", [1] = "response" }

local mesh = Proto("meshheader", "MeshSim Mesh Header")
local f = mesh.fields
f.magic        = ProtoField.string("meshheader.magic", "Magic")
f.version      = ProtoField.uint8("meshheader.version", "Version")
f.header_count = ProtoField.uint8("meshheader.header_count", "Header count")
f.total_length = ProtoField.uint16("meshheader.total_length", "Total length")
f.type         = ProtoField.uint16("meshheader.type", "Type", base.DEC, types, 0x8000)
f.method       = ProtoField.uint16("meshheader.method", "Method", base.DEC, methods, 0x7800)
f.status       = ProtoField.uint16("meshheader.status", "Status code", base.DEC, nil, 0x07FE)
f.reserved     = ProtoField.uint16("meshheader.reserved", "Reserved", base.HEX, nil, 0x0001)
f.route_length = ProtoField.uint16("meshheader.route_length", "Route length")
f.route        = ProtoField.string("meshheader.route", "Route")
f.method_token = ProtoField.string("meshheader.method_token", "Method token")
f.label_length = ProtoField.uint8("meshheader.label_length", "Label length")
f.value_length = ProtoField.uint16("meshheader.value_length", "Value length")
f.label        = ProtoField.string("meshheader.label", "Label")
f.value        = ProtoField.string("meshheader.value", "Value")

local e_malformed = ProtoExpert.new("meshheader.malformed", "Malformed mesh header", expert.group.MALFORMED, expert.severity.ERROR)
mesh.experts = { e_malformed }

local http = Dissector.get("http")

-- Returns the total length if the buffer starts with something that can be a v2 mesh header.
local function looks_like_mesh(tvb)
    if tvb:len() < 3 then return nil end
    if tvb(0, 1):uint() ~= MAGIC0 or tvb(1, 1):uint() ~= MAGIC1 or tvb(2, 1):uint() ~= VERSION then return nil end
    if tvb:len() < 6 then return 0 end
    local total = tvb(4, 2):uint()
    if total < FIXED_LENGTH or total > MAX_TOTAL then return nil end
    return total
end

local function dissect(tvb, pinfo, tree)
    local total = looks_like_mesh(tvb)
    if total == nil then return 0 end
    if total == 0 or tvb:len() < total then
        -- Ask TCP for the rest of the header.
        pinfo.desegment_offset = 0
        pinfo.desegment_len = (total == 0) and DESEGMENT_ONE_MORE_SEGMENT or (total - tvb:len())
        return tvb:len()
    end

    pinfo.cols.protocol = "MESH"
    local t = tree:add(mesh, tvb(0, total))
    t:add(f.magic, tvb(0, 2))
    t:add(f.version, tvb(2, 1))
    local count = tvb(3, 1):uint()
    local count_item = t:add(f.header_count, tvb(3, 1))
    t:add(f.total_length, tvb(4, 2))
    local codes = tvb(6, 2):uint()
    local is_response = bit.band(codes, 0x8000) ~= 0
    local method = bit.rshift(bit.band(codes, 0x7800), 11)
    local status = bit.rshift(bit.band(codes, 0x07FE), 1)
    t:add(f.type, tvb(6, 2))
    local method_item = t:add(f.method, tvb(6, 2))
    local status_item = t:add(f.status, tvb(6, 2))
    local reserved_item = t:add(f.reserved, tvb(6, 2))
    local route_length = tvb(8, 2):uint()
    local route_length_item = t:add(f.route_length, tvb(8, 2))

    if bit.band(codes, 1) ~= 0 then reserved_item:add_proto_expert_info(e_malformed, "reserved bit must be 0") end
    if count > MAX_HEADERS then count_item:add_proto_expert_info(e_malformed, "more than " .. MAX_HEADERS .. " headers") end
    if is_response then
        if method ~= 0 then method_item:add_proto_expert_info(e_malformed, "response with a method") end
        if status < 100 or status > 999 then status_item:add_proto_expert_info(e_malformed, "status outside 100-999") end
        if route_length ~= 0 then route_length_item:add_proto_expert_info(e_malformed, "response with a route") end
    else
        if status ~= 0 then status_item:add_proto_expert_info(e_malformed, "request with a status") end
        if method == 0 or (method > 9 and method < 15) then method_item:add_proto_expert_info(e_malformed, "unknown method code") end
        if route_length == 0 or route_length > MAX_ROUTE then route_length_item:add_proto_expert_info(e_malformed, "route length outside 1-" .. MAX_ROUTE) end
    end

    -- Version 2 layout: fixed part, field table (count x (label length 8, value length 16)), route,
    -- then labels and values back to back.
    local route_offset = FIXED_LENGTH + ENTRY_LENGTH * count
    if count > MAX_HEADERS or route_offset > total then
        count_item:add_proto_expert_info(e_malformed, "field table runs past the total length")
        return total
    end
    if route_offset + route_length > total then
        route_length_item:add_proto_expert_info(e_malformed, "route runs past the total length")
        return total
    end
    if route_length > 0 then t:add(f.route, tvb(route_offset, route_length)) end

    local token = methods[method]
    local pos = route_offset + route_length
    for i = 1, count do
        local entry = FIXED_LENGTH + ENTRY_LENGTH * (i - 1)
        local ll = tvb(entry, 1):uint()
        local vl = tvb(entry + 1, 2):uint()
        if ll == 0 or ll > MAX_LABEL or vl > MAX_VALUE or pos + ll + vl > total then
            t:add_proto_expert_info(e_malformed, "header " .. i .. " has a bad length")
            return total
        end
        local label = tvb(pos, ll):string()
        local value = tvb(pos + ll, vl):string()
        local h = t:add(mesh, tvb(pos, ll + vl), "Header: " .. label .. ": " .. value)
        h:add(f.label_length, tvb(entry, 1))
        h:add(f.value_length, tvb(entry + 1, 2))
        h:add(f.label, tvb(pos, ll))
        if vl > 0 then h:add(f.value, tvb(pos + ll, vl)) else h:add(f.value, "") end
        if i == 1 and method == 15 and label == ":method" then token = value end
        pos = pos + ll + vl
    end
    if pos ~= total then t:add_proto_expert_info(e_malformed, "header fields end at " .. pos .. ", total length says " .. total) end

    if is_response then
        t:append_text(", response " .. status)
        pinfo.cols.info:set("MESH response " .. status)
    else
        t:add(f.method_token, tvb(6, 2), token)
        local route = tvb(route_offset, route_length):string()
        t:append_text(", request " .. token .. " " .. route)
        pinfo.cols.info:set("MESH " .. token .. " " .. route)
    end

    if tvb:len() > total and http ~= nil then
        http:call(tvb(total):tvb(), pinfo, tree)
    end
    return tvb:len()
end

-- Called for ports chosen with "Decode As" (tshark: -d tcp.port==80,meshheader): decode a mesh
-- header when there is one, otherwise leave the segment to HTTP, so a server port that accepts
-- both plain HTTP and mesh-prefixed HTTP shows both.
function mesh.dissector(tvb, pinfo, tree)
    if looks_like_mesh(tvb) == nil then
        if http ~= nil then return http:call(tvb, pinfo, tree) end
        return 0
    end
    return dissect(tvb, pinfo, tree)
end

local function heuristic(tvb, pinfo, tree)
    if looks_like_mesh(tvb) == nil then return false end
    dissect(tvb, pinfo, tree)
    return true
end

mesh:register_heuristic("tcp", heuristic)
DissectorTable.get("tcp.port"):add_for_decode_as(mesh)
