declare module 'virtual:lamina-editor-types' {
  const files: Record<string, string>;
  export default files;
}
declare module 'monaco-editor/editor/editor.worker?worker' {
  const WorkerCtor: new () => Worker;
  export default WorkerCtor;
}
declare module 'monaco-editor/language/typescript/ts.worker?worker' {
  const WorkerCtor: new () => Worker;
  export default WorkerCtor;
}
