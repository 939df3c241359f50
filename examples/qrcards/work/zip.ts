/**
 * A minimal ZIP writer (stored entries: the PNGs inside are compressed already), so the bulk
 * bundle needs no dependency. Writes local headers and data as it goes, then the central
 * directory; ZIP64 is not needed below 65,535 entries and 4 GiB.
 */
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { crc32 } from "node:zlib";

export function writeZip(target: string, files: readonly { name: string; path: string }[]): number {
  if (files.length > 65_535) throw new RangeError(`writeZip: ${files.length} entries (ZIP64 not supported)`);
  const fd = openSync(target, "w");
  const central: Buffer[] = [];
  let offset = 0;
  try {
    for (const file of files) {
      const data = readFileSync(file.path);
      const name = Buffer.from(file.name, "utf8");
      const crc = crc32(data);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4); // version needed
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(0, 8); // stored
      local.writeUInt32LE(0, 10); // time, date
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(data.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      writeSync(fd, local);
      writeSync(fd, name);
      writeSync(fd, data);
      const entry = Buffer.alloc(46);
      entry.writeUInt32LE(0x02014b50, 0);
      entry.writeUInt16LE(20, 4);
      entry.writeUInt16LE(20, 6);
      entry.writeUInt16LE(0x0800, 8);
      entry.writeUInt16LE(0, 10);
      entry.writeUInt32LE(0, 12);
      entry.writeUInt32LE(crc, 16);
      entry.writeUInt32LE(data.length, 20);
      entry.writeUInt32LE(data.length, 24);
      entry.writeUInt16LE(name.length, 28);
      entry.writeUInt32LE(offset, 42);
      central.push(entry, name);
      offset += local.length + name.length + data.length;
    }
    const dir = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(files.length, 8);
    end.writeUInt16LE(files.length, 10);
    end.writeUInt32LE(dir.length, 12);
    end.writeUInt32LE(offset, 16);
    writeSync(fd, dir);
    writeSync(fd, end);
    return offset + dir.length + end.length;
  } finally {
    closeSync(fd);
  }
}
