import { printType, type TypeNode } from "@mlops/compiler";

/** A type written back as source (`enum("a", "b")?`, `vector<float, 32>`), by the formatter's printer. */
export function typeText(type: TypeNode): string {
  return printType(type);
}
