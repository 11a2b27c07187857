import { editor } from "monaco-editor/editor/editor.api.js";

/** A read-only Monaco editor over one model whose text and language this pane sets. */
export class ReadOnlyEditor {
  readonly editor: editor.IStandaloneCodeEditor;
  private readonly model: editor.ITextModel;

  constructor(container: HTMLElement, language: string, ariaLabel: string) {
    this.model = editor.createModel("", language);
    this.editor = editor.create(container, {
      model: this.model,
      readOnly: true,
      domReadOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      folding: true,
      lineNumbersMinChars: 3,
      ariaLabel,
      wordWrap: "off",
    });
  }

  show(text: string, language?: string): void {
    if (language && this.model.getLanguageId() !== language) editor.setModelLanguage(this.model, language);
    if (this.model.getValue() !== text) this.model.setValue(text);
  }
}
