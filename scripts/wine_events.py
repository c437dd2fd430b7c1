#!/usr/bin/env python3
"""The Event Log entries a Windows program wrote under Wine, as Event Viewer shows them.

Wine keeps no Event Log: its ReportEventW only traces each call on the debug channels
(a "fixme:advapi:ReportEventW (handle,type,category,id,...)" line, then one
"eventlog:ReportEventW L"..."" line per insertion string), when those channels are on in
the writing process (WINEDEBUG=fixme+advapi,+eventlog; a service inherits them from
services.exe). This reads such a trace and formats each event with the message table
(RT_MESSAGETABLE) of the exe named as the source's EventMessageFile, the way Event Viewer
formats it on Windows: so the text shown is the one built into the binary.

Usage: wine_events.py TRACE MESSAGE_FILE.EXE   (prints one line per event; exit 1 if none)
"""
import re
import struct
import sys

RT_MESSAGETABLE = 11
TYPES = {0: "Information", 1: "Error", 2: "Warning", 4: "Information", 8: "Audit Success", 16: "Audit Failure"}


def resource(exe, kind):
    """The bytes of the first resource of type `kind` in a PE file (any name, any language).

    The resource directory (data directory 2) is a three-level tree, type -> name ->
    language, of IMAGE_RESOURCE_DIRECTORY tables; offsets inside it are relative to its
    start, with the high bit marking a subdirectory; the data entry holds an RVA."""
    image = open(exe, "rb").read()
    pe = struct.unpack_from("<I", image, 0x3C)[0]
    sections, optional_size = struct.unpack_from("<H", image, pe + 6)[0], struct.unpack_from("<H", image, pe + 20)[0]
    optional = pe + 24
    directories = optional + (112 if struct.unpack_from("<H", image, optional)[0] == 0x20B else 96)
    rva = struct.unpack_from("<I", image, directories + 2 * 8)[0]

    def file_offset(address):
        for i in range(sections):
            _, start, raw_size, raw_offset = struct.unpack_from("<IIII", image, optional + optional_size + 40 * i + 8)
            if start <= address < start + raw_size:
                return raw_offset + address - start
        raise ValueError(f"RVA {address:#x} is in no section")

    if rva == 0:
        return None
    root = file_offset(rva)

    def entries(table):
        named, numbered = struct.unpack_from("<HH", image, root + table + 12)
        for i in range(named + numbered):
            yield struct.unpack_from("<II", image, root + table + 16 + 8 * i)

    for type_id, offset in entries(0):
        if type_id == kind and offset & 0x80000000:
            _, names = next(entries(offset & 0x7FFFFFFF))
            _, data_entry = next(entries(names & 0x7FFFFFFF))
            data_rva, size = struct.unpack_from("<II", image, root + data_entry)
            return image[file_offset(data_rva):file_offset(data_rva) + size]
    return None


def message_table(exe):
    """{message id: text} from the exe's MESSAGETABLE resource (MESSAGE_RESOURCE_DATA)."""
    data = resource(exe, RT_MESSAGETABLE)
    if data is None:
        sys.exit(f"wine_events: {exe} has no message table")
    texts = {}
    (blocks,) = struct.unpack_from("<I", data, 0)
    for b in range(blocks):
        low, high, offset = struct.unpack_from("<III", data, 4 + 12 * b)
        for message_id in range(low, high + 1):
            length, flags = struct.unpack_from("<HH", data, offset)
            text = data[offset + 4:offset + length].decode("utf-16-le" if flags & 1 else "latin-1")
            texts[message_id] = text.rstrip("\0").rstrip("\r\n")
            offset += length
    return texts


def events(trace):
    """[(type, id, [insertion strings])] in the order the program reported them."""
    found, current = [], None
    with open(trace, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            call = re.search(r"ReportEventW \([^,]*,0x([0-9a-f]+),0x[0-9a-f]+,0x([0-9a-f]+),", line)
            if call:
                current = (int(call.group(1), 16), int(call.group(2), 16), [])
                found.append(current)
                continue
            insert = re.search(r":eventlog:ReportEventW L\"(.*)\"$", line)
            if insert and current is not None:
                # debugstr_w escapes \\, \", \n, \r, \t and \xNNNN like C.
                current[2].append(insert.group(1).encode("latin-1", "backslashreplace").decode("unicode_escape"))
    return found


def formatted(template, inserts):
    """FormatMessage's inserts: %1..%99 (with an optional !format!), %% and %n."""
    def insert(m):
        if m.group(1) == "%":
            return "%"
        if m.group(1) == "n":
            return "\n"
        n = int(m.group(1))
        return inserts[n - 1] if n <= len(inserts) else m.group(0)
    return re.sub(r"%(%|n|[1-9][0-9]?)(?:![^!]*!)?", insert, template)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    texts = message_table(sys.argv[2])
    reported = events(sys.argv[1])
    for kind, event_id, inserts in reported:
        code = event_id & 0xFFFF  # Event Viewer shows the ID without severity and facility bits
        text = texts.get(event_id, texts.get(code))
        shown = formatted(text, inserts) if text is not None else f"(no message {code} in the table) {inserts}"
        print(f"Event {code} ({TYPES.get(kind, kind)}): {shown}")
    return 0 if reported else 1


if __name__ == "__main__":
    sys.exit(main())
