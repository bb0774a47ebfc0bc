/**
 * Finds the program interpreter (PT_INTERP, the dynamic loader) of an ELF executable. execve
 * opens it for execution as well as the program itself, so landlock must grant it EXECUTE.
 */
import { closeSync, openSync, readSync } from 'node:fs';

const PT_INTERP = 3;
const ELF_MAGIC = 0x464c457f; // "\x7fELF", read little-endian
const ELFCLASS64 = 2;

function readAt(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, offset);
  return buffer.subarray(0, read);
}

/** Reads PT_INTERP from a 64-bit little-endian ELF file; undefined for static or other files. */
export function findElfInterpreter(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const header = readAt(fd, 0, 64);
    if (header.length < 64 || header.readUInt32LE(0) !== ELF_MAGIC) return undefined;
    if (header[4] !== ELFCLASS64) return undefined;

    const tableOffset = Number(header.readBigUInt64LE(0x20));
    const entrySize = header.readUInt16LE(0x36);
    const entries = header.readUInt16LE(0x38);
    const table = readAt(fd, tableOffset, entrySize * entries);

    for (let i = 0; i < entries && (i + 1) * entrySize <= table.length; i += 1) {
      const entry = table.subarray(i * entrySize);
      if (entry.readUInt32LE(0) !== PT_INTERP) continue;
      const text = readAt(fd, Number(entry.readBigUInt64LE(8)), Number(entry.readBigUInt64LE(32)));
      return text.toString('latin1').replace(/\0.*$/s, '');
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
