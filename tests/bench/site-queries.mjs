// Prints the follow-up queries of site-bench.mjs for a corpus folder, one per line (as the
// site bench asks them: quoted), for the native benchmark of a site reader:
//
//   node bench/site-queries.mjs DIR [COUNT] > queries.txt
//   cargo run --release -p quxian-cli --example site_queries -- SITE/quxian queries.txt

import { readDocs, sampleQueries } from './site-corpus.mjs';

const [dir, count = '150'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/site-queries.mjs DIR [COUNT]');
  process.exit(2);
}
for (const q of sampleQueries(readDocs(dir), Number(count))) console.log(`"${q.text}"`);
