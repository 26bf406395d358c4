// Bootstrap of a Node vector-env worker (plain JS, so Node can start it without a TypeScript loader):
// register tsx's ESM loader in this worker, then run the TypeScript worker server.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./node-worker-main.ts', import.meta.url).href);
