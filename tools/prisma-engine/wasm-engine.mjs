// Loads @prisma/schema-engine-wasm. Its entry imports the .wasm file as an ES module, which Node 20 cannot do without
// --experimental-wasm-modules, so the glue module is wired to a manually instantiated module instead.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let loading;
let lastPanicMessage;

/** The message of the last Rust panic: the panic itself surfaces only as a `RuntimeError: unreachable`. */
export function takePanicMessage() {
  const message = lastPanicMessage;
  lastPanicMessage = undefined;
  return message;
}

export function loadSchemaEngineWasm() {
  loading ??= (async () => {
    // The engine's panic hook reports through this global, which the Prisma CLI normally provides.
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message) {
        lastPanicMessage = message;
      },
    };
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = await import(pathToFileURL(gluePath).href);
    const bytes = await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return glue;
  })();
  return loading;
}
