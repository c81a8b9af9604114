// Loaded into a daemon under test with `--import` (through NODE_OPTIONS). Node ends a process
// whose event loop has nothing left to wait for, even while a top-level await is pending
// (exit 13): a daemon that holds nothing open dies by itself shortly after "started".
// Stopping it with a signal right after that line cannot tell, since the signal may come
// first. So this says so, as a JSON log line, one second after the daemon's "started" line,
// from a timer that does not itself keep the process alive: the line comes only from a
// process that something else keeps running.
const write = process.stderr.write.bind(process.stderr);
let armed = false;
process.stderr.write = (chunk, ...rest) => {
  if (!armed && String(chunk).includes('"message":"started: ')) {
    armed = true;
    const line = { level: "debug", scope: "test", message: "still running 1 s after started" };
    setTimeout(() => write(`${JSON.stringify(line)}\n`), 1000).unref();
  }
  return write(chunk, ...rest);
};
