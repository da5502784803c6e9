/**
 * The baseline of first-task latency: a plain forked child that imports the JS module and sends
 * its first result.
 */
import { greet } from './startup.mjs';

process.send(greet('bench'), () => process.disconnect());
