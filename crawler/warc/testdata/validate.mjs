// validate.mjs: check WARC files with warcio.js, an independent reader.
//
// usage: WARCIO=/path/to/node_modules/warcio/dist/index.js node validate.mjs a.warc.gz [...]
//
// For every record it prints one JSON line {file, offset, length, type, id,
// uri, problems}; then a summary line {"records":N,"problems":M}. Exit 1 on
// any problem. Checked: mandatory headers, Content-Length, SHA-1 base32
// block digest and (response) payload digest, warcinfo first, Target-URI
// ASCII without <>, WARC-Concurrent-To resolving in the file, revisit fields.
// Adapted from /work/shared/research/environment.md.
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const { WARCParser } = await import(pathToFileURL(process.env.WARCIO).href);

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(buf) {
  let bits = 0, value = 0, out = '';
  for (const b of buf) {
    value = (value << 8) | b; bits += 8;
    while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
const sha1 = (b) => 'sha1:' + base32(createHash('sha1').update(b).digest());

function headerEnd(block) {
  const i = Buffer.from(block).indexOf('\r\n\r\n');
  return i < 0 ? -1 : i + 4;
}

let n = 0, bad = 0;
for (const file of process.argv.slice(2)) {
  const parser = new WARCParser(createReadStream(file), { parseHttp: false, keepHeadersCase: true });
  const ids = new Set(), concurrent = [];
  let first = true;
  for await (const rec of parser) {
    n++;
    const problems = [];
    const h = rec.warcHeaders.headers;
    const id = h.get('WARC-Record-ID'), type = h.get('WARC-Type');
    for (const req of ['WARC-Record-ID', 'WARC-Type', 'WARC-Date', 'Content-Length'])
      if (!h.get(req)) problems.push(`missing ${req}`);
    if (first && type !== 'warcinfo') problems.push('first record is not warcinfo');
    first = false;
    ids.add(id);
    const block = await rec.readFully(false);
    if (block.length !== Number(h.get('Content-Length'))) problems.push(`length ${block.length} != Content-Length`);
    const bd = h.get('WARC-Block-Digest');
    if (bd && bd.toUpperCase() !== sha1(block).toUpperCase()) problems.push('block digest mismatch');
    const pd = h.get('WARC-Payload-Digest');
    const isHTTP = (h.get('Content-Type') || '').startsWith('application/http');
    if (pd && type === 'response' && isHTTP) {
      const payload = block.subarray(headerEnd(block));
      if (pd.toUpperCase() !== sha1(payload).toUpperCase()) problems.push('payload digest mismatch');
    }
    const uri = h.get('WARC-Target-URI');
    if (type !== 'warcinfo') {
      if (!uri) problems.push('missing WARC-Target-URI');
      else if (!/^[\x21-\x7e]+$/.test(uri) || /[<>]/.test(uri)) problems.push(`Target-URI not plain ASCII: ${uri}`);
    }
    if (type === 'revisit') {
      const profile = h.get('WARC-Profile') || '';
      if (!profile) problems.push('revisit without WARC-Profile');
      if (!h.get('WARC-Refers-To-Target-URI') || !h.get('WARC-Refers-To-Date')) problems.push('revisit without Refers-To fields');
      if (profile.endsWith('/identical-payload-digest') && !pd) problems.push('identical-payload revisit without payload digest');
      if (profile.endsWith('/server-not-modified') && pd) problems.push('server-not-modified revisit with payload digest');
    }
    const ct = rec.warcConcurrentTo || [];
    for (const c of ct) concurrent.push([id, c]);
    bad += problems.length;
    console.log(JSON.stringify({ file, offset: parser.offset, length: parser.recordLength, type, id, uri, problems }));
  }
  for (const [from, to] of concurrent)
    if (!ids.has(to)) { bad++; console.log(JSON.stringify({ file, id: from, problems: [`WARC-Concurrent-To ${to} not in file`] })); }
}
console.log(JSON.stringify({ records: n, problems: bad }));
process.exit(bad ? 1 : 0);
