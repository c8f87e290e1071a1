/**
 * The file-system side of a drop folder: listing candidates, reading one without following links,
 * and moving it with its report into `Processed/` or `Rejected/`. Every path is the folder joined
 * with a bare name read from the folder itself and checked to stay in it; nothing here runs a
 * program, so a file name is never seen by a shell.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const processedFolderName = 'Processed';
export const rejectedFolderName = 'Rejected';

/** A `*.csv` entry of the folder as seen by one look. */
export interface FolderEntry {
  name: string;
  /** `file`: a regular file; `link`: a symbolic link (refused); `other`: a folder, socket, … (refused). */
  type: 'file' | 'link' | 'other';
  size: number;
  mtimeMs: number;
}

/** The folder's real path and its two output folders, created when absent. */
export interface FolderLayout {
  root: string;
  processed: string;
  rejected: string;
}

/** The folder as a whole can't be used (missing, not a folder, an output folder is a link). */
export class DropFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A file-level refusal: the file goes to `Rejected/` with this reason. */
export class FileRejection extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export async function prepareLayout(folder: string): Promise<FolderLayout> {
  let root: string;
  try {
    root = await realpath(folder);
  } catch {
    throw new DropFolderError(`The drop folder ${folder} does not exist or can't be read.`);
  }
  if (!(await lstat(root)).isDirectory()) throw new DropFolderError(`${folder} is not a folder.`);
  const sub = async (name: string): Promise<string> => {
    const full = path.join(root, name);
    await mkdir(full, { recursive: true });
    const stats = await lstat(full);
    if (stats.isSymbolicLink() || !stats.isDirectory()) {
      throw new DropFolderError(`${name} in the drop folder must be a folder, not a link or a file.`);
    }
    return full;
  };
  return { root, processed: await sub(processedFolderName), rejected: await sub(rejectedFolderName) };
}

/** A bare, visible file name: no separators, no NUL, not `.`/`..`, not hidden. */
export function isPlainName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    !name.startsWith('.') &&
    !/[\\/\0]/.test(name) &&
    path.basename(name) === name
  );
}

/** The folder path of `name`, refusing anything that would leave the folder. */
export function pathIn(folder: string, name: string): string {
  if (!isPlainName(name)) throw new FileRejection('The file name is not a plain name in the folder.');
  const full = path.resolve(folder, name);
  if (path.dirname(full) !== path.resolve(folder)) {
    throw new FileRejection('The file name points outside the folder.');
  }
  return full;
}

/** The `*.csv` entries directly in the folder (case-insensitive extension; sub-folders not read). */
export async function listCsvEntries(root: string): Promise<FolderEntry[]> {
  const entries: FolderEntry[] = [];
  for (const name of await readdir(root)) {
    if (!name.toLowerCase().endsWith('.csv') || !isPlainName(name)) continue;
    let stats: Stats;
    try {
      stats = await lstat(pathIn(root, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // moved away meanwhile
      throw error;
    }
    const type = stats.isSymbolicLink() ? 'link' : stats.isFile() ? 'file' : 'other';
    entries.push({ name, type, size: stats.size, mtimeMs: stats.mtimeMs });
  }
  return entries;
}

/**
 * The file's bytes, opened without following a link (a link swapped in after the listing is
 * refused too) and read only when it is a regular file within `maxBytes`.
 */
export async function readFileSafely(root: string, name: string, maxBytes: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(pathIn(root, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new FileRejection('The file is a symbolic link; links are refused.');
    }
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new FileRejection('The entry is not a regular file.');
    if (stats.size > maxBytes) throw new FileRejection(`The file is larger than ${sizeText(maxBytes)}.`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw new FileRejection(`The file is larger than ${sizeText(maxBytes)}.`);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/**
 * The file's text: UTF-8 (a leading BOM is the parser's business), or UTF-16 when it starts with its
 * byte-order mark (what Windows PowerShell's `Out-File` writes). Anything else, and text holding NUL
 * characters (UTF-16 without a mark), is refused.
 */
export function decodeText(bytes: Buffer): string {
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : 'utf-8';
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: encoding === 'utf-8' }).decode(bytes);
  } catch {
    throw new FileRejection(
      encoding === 'utf-8' ? 'The file is not UTF-8 text.' : 'The file is not valid UTF-16 text.',
    );
  }
  if (text.includes('\0')) throw new FileRejection('The file is not UTF-8 text (it holds NUL characters).');
  return text;
}

/** `20261123T090000Z`: UTC, sortable, and valid in file names on every share. */
export function fileTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** A name in `folder` not taken yet: `name`, else `<stem>.<timestamp><ext>`, else with a counter. */
async function freeName(folder: string, name: string, stamp: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  const candidates = [name, `${stem}.${stamp}${ext}`];
  for (let i = 2; i < 100; i += 1) candidates.push(`${stem}.${stamp}-${i}${ext}`);
  for (const candidate of candidates) {
    if (!(await exists(pathIn(folder, candidate)))) return candidate;
  }
  throw new DropFolderError(`No free name for ${name} in ${path.basename(folder)}.`);
}

async function exists(full: string): Promise<boolean> {
  try {
    await lstat(full);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Writes `<name>.<timestamp>.report.json` into `target` (through a temporary file and a rename, so a
 * report is whole or absent) and returns its name; an existing report of that name is kept.
 */
export async function writeReport(target: string, reportName: string, report: unknown): Promise<void> {
  const full = pathIn(target, reportName);
  if (await exists(full)) return;
  const temporary = pathIn(target, `${reportName}.tmp`);
  // A stale temporary file (or anything planted under its name, a link included) is removed, never
  // followed: the report is then created exclusively (O_EXCL), so a link can't redirect the write.
  await rm(temporary, { force: true });
  await writeFile(temporary, `${JSON.stringify(report, null, 2)}\n`, { encoding: 'utf8', flag: 'wx' });
  await rename(temporary, full);
}

/**
 * Moves the folder entry `name` (a link is moved as a link, never followed) into `target` under a
 * free name; returns that name, or null when the entry is already gone.
 */
export async function moveInto(
  root: string,
  name: string,
  target: string,
  stamp: string,
): Promise<string | null> {
  const from = pathIn(root, name);
  if (!(await exists(from))) return null;
  const to = await freeName(target, name, stamp);
  await rename(from, pathIn(target, to));
  return to;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${bytes} bytes`;
}
