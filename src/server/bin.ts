/** Entry of the standalone bundle dist/server.js (`node dist/server.js --stdio`); same as `initlens server`. */
import { runServer } from './main.js';

void runServer(process.argv.slice(2)).then((code) => process.exit(code));
