import { benchBareBot, benchFullBot } from "./updates.js";
const opts = { users: 50, warmup: 300, sequential: 300, burst: 2000 };
const t = performance.now();
console.log(JSON.stringify(await benchBareBot(opts), null, 1));
console.log((performance.now()-t)/1000);
console.log(JSON.stringify(await benchFullBot(opts), null, 1));
console.log((performance.now()-t)/1000);
