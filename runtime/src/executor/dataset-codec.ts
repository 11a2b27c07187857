/**
 * A typed `Dataset` as bytes, for the artifact store (ingest output, splits).
 * Layout: `MLDS1\n`, a uint32 LE header length, the JSON header, then each
 * column's buffers at 8-byte aligned offsets (recorded in the header).
 * Typed arrays are written in the machine's byte order (little endian on every
 * platform the runtime supports).
 */
import type { ValueType } from "../plan.js";
import type { Column, Dataset } from "../data/dataset.js";

const MAGIC = "MLDS1\n";

interface Slice {
  offset: number;
  length: number;
}

interface ColumnHeader {
  name: string;
  type: ValueType;
  storage: Column["storage"];
  nulls: Slice;
  values: Slice;
  dictionary?: string[];
}

interface Header {
  rowCount: number;
  columns: ColumnHeader[];
  sourceRows?: Slice;
}

export function encodeDataset(dataset: Dataset): Uint8Array {
  const buffers: Uint8Array[] = [];
  let offset = 0;
  const place = (view: ArrayBufferView): Slice => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const slice = { offset, length: bytes.byteLength };
    buffers.push(bytes);
    const padding = (8 - (bytes.byteLength % 8)) % 8;
    if (padding > 0) buffers.push(new Uint8Array(padding));
    offset += bytes.byteLength + padding;
    return slice;
  };
  const columns = dataset.columns.map((column): ColumnHeader => {
    const nulls = place(column.nulls);
    const values = place(column.storage === "string" ? column.codes : column.values);
    return {
      name: column.name,
      type: column.type,
      storage: column.storage,
      nulls,
      values,
      ...(column.storage === "string" ? { dictionary: column.dictionary } : {}),
    };
  });
  const header: Header = { rowCount: dataset.rowCount, columns, ...(dataset.sourceRows ? { sourceRows: place(dataset.sourceRows) } : {}) };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const prefixLength = MAGIC.length + 4 + headerBytes.byteLength;
  const start = prefixLength + ((8 - (prefixLength % 8)) % 8);
  const out = new Uint8Array(start + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.byteLength, true);
  out.set(headerBytes, MAGIC.length + 4);
  let at = start;
  for (const bytes of buffers) {
    out.set(bytes, at);
    at += bytes.byteLength;
  }
  return out;
}

export function decodeDataset(bytes: Uint8Array, what = "dataset"): Dataset {
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) throw new Error(`${what}: not a dataset artifact`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  const headerEnd = MAGIC.length + 4 + headerLength;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, headerEnd))) as Header;
  const start = headerEnd + ((8 - (headerEnd % 8)) % 8);
  // Uint8Array copy (a Node Buffer's `slice` is a view into a shared pool)
  const copy = (slice: Slice): ArrayBuffer =>
    Uint8Array.prototype.slice.call(bytes, start + slice.offset, start + slice.offset + slice.length).buffer as ArrayBuffer;
  const columns = header.columns.map((c): Column => {
    const nulls = new Uint8Array(copy(c.nulls));
    switch (c.storage) {
      case "number":
        return { name: c.name, type: c.type, storage: "number", nulls, values: new Float64Array(copy(c.values)) };
      case "bool":
        return { name: c.name, type: c.type, storage: "bool", nulls, values: new Uint8Array(copy(c.values)) };
      case "string":
        return {
          name: c.name,
          type: c.type,
          storage: "string",
          nulls,
          codes: new Int32Array(copy(c.values)),
          dictionary: c.dictionary ?? [],
        };
    }
  });
  return { rowCount: header.rowCount, columns, ...(header.sourceRows ? { sourceRows: new Uint32Array(copy(header.sourceRows)) } : {}) };
}
