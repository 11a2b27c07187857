/**
 * Reads the input/output signature of any ONNX model (for `pretrained` and
 * `external` trainers) with the compiler's reader — the one that checks
 * `pretrained` models at compile time — so both sides agree by construction.
 */
import type { OnnxSignature } from "@mlops/compiler";
import { readOnnxSignature as readSignature } from "@mlops/compiler/onnx";

export class OnnxFormatError extends Error {
  override name = "OnnxFormatError";
}

/** The signature, or an `OnnxFormatError` saying why the bytes are not an ONNX model. */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  const signature = readSignature(bytes);
  if ("error" in signature) throw new OnnxFormatError(signature.error);
  return signature;
}
