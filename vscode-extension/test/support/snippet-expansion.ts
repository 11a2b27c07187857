// Expands a VS Code snippet body the way accepting every default would.

/** `${1:default}` → default, `${1|a,b|}` → a, `$1`/`${1}` → what placeholder 1 expanded to, `$0` → "". */
export function expandSnippet(body: string): string {
  const values = new Map<string, string>();
  let text = body;
  for (let previous = ""; previous !== text; ) {
    previous = text;
    text = text.replace(/\$\{(\d+):([^${}]*)\}/g, (_match, index: string, value: string) => remember(values, index, value));
    text = text.replace(/\$\{(\d+)\|([^|]*)\|\}/g, (_match, index: string, choices: string) =>
      remember(values, index, choices.split(",")[0]),
    );
    text = text.replace(/\$\{(\d+)\}/g, (match, index: string) => values.get(index) ?? match);
  }
  return text.replace(/\$(\d+)/g, (_match, index: string) => values.get(index) ?? "");
}

function remember(values: Map<string, string>, index: string, value: string): string {
  values.set(index, value);
  return value;
}
