// Package crawler is the crawl engine: it fetches the portals of a
// configuration politely, archives every answer as received into WARC files
// (crawler/warc), keeps the crawl state on disk (crawler/state), follows the
// links crawler/discover finds, and reports per URL and per portal what
// happened, so that the CLI can index the captures and extract the new or
// changed reports.
//
// # Politeness
//
// Each host has a queue and a clock. By default one request is in flight
// per host; the next one starts delay_factor × the last response time
// after the end of the last answer, clamped to [delay_floor,
// delay_ceiling], or later if robots.txt asks for a Crawl-delay (honoured
// up to crawl_delay_cap) or the server sent Retry-After. Across hosts at
// most global_concurrency requests run at once. One scheduler goroutine
// owns all queues and sleeps until the next host may be asked or a result
// arrives; a request runs in its own goroutine, so goroutines are bounded
// by requests in flight (plus a bounded number still archiving: a host is
// free again as soon as its answer is complete, so a slow disk sync
// overlaps the pause instead of lengthening it).
//
// robots.txt is fetched through the same queue before a host's first URL,
// kept for robots_ttl (at most 24 h) and obeyed for our product token
// (the User-Agent up to the first "/"). Per RFC 9309 a 4xx means no rules;
// a 5xx or a network error is retried with backoff, and if it persists
// the host is left for a later run and reported, never treated as "allow
// all". Redirect targets are new queue entries, so robots and politeness
// apply to every hop.
//
// # Faults and challenges
//
// Network errors (connect, header and body timeouts, resets), 408, 429 and
// 5xx are retried up to retries times with exponential backoff and jitter;
// Retry-After (seconds or HTTP-date) is honoured up to backoff_max and
// also holds the whole host for 429 and 503. Pages are capped at
// page_max_bytes in memory, attachments at attachment_max_bytes and
// streamed to a spool file; a cut body is archived with WARC-Truncated:
// length and reported as truncated. Redirects are followed one hop at a
// time inside the portal's allowed hosts, with loop and max_redirects
// detection. Anti-bot answers (412 with a $_ts script, 521 with
// __jsl_clearance, "Just a moment", 安全验证, tiny JavaScript-only shells)
// are classified as challenges: archived as evidence, never extracted,
// never answered (no script runs, no cookie is kept: the client has no
// cookie jar). The host is left alone for the rest of the run and for
// challenge_backoff, and reported.
//
// # Capture
//
// The transport speaks HTTP/1.1 only (an HTTP/2 exchange has no wire form
// to archive), never asks for or undoes compression on its own, and taps
// each connection (above TLS): the request bytes as written and the
// response head as read go to the archive verbatim, the body as received
// after de-chunking (gzip stays gzip), with the server's IP address.
//
// # State, resume and incremental runs
//
// A URL is marked done only after its exchange is written to the archive
// and synced. A process killed at any moment loses nothing: on the next
// start the WARC files it left open are cut after their last complete
// record and closed, and any exchange archived but not yet committed is
// adopted from the archive rather than fetched again. An unfinished run is
// resumed by the same command; a finished one makes the next Run a new
// night. Report pages and attachments known from earlier nights are asked
// with If-None-Match/If-Modified-Since; a 304 becomes a server-not-modified
// revisit record, an identical payload digest an identical-payload-digest
// revisit, and neither is marked Changed. Listings are always fetched
// whole, because they are where new reports appear.
//
// # colly
//
// colly (github.com/gocolly/colly/v2) issues the page requests: a
// Collector with our transport (WithTransport), AllowURLRevisit (the state
// decides what to fetch), IgnoreRobotsTxt (colly's robots cache never
// expires and turns a 5xx into "disallow all"), no cookie jar, redirects
// returned instead of followed, ParseHTTPErrorResponse (we classify
// statuses ourselves), and a body cap one byte over ours so a cut is seen.
// Its role is deliberately thin: colly reads bodies whole into memory,
// truncates silently, transcodes charsets before its callbacks, and marks
// URLs visited before they are fetched, so the archive is fed from our
// transport tap, attachments bypass colly to stream to disk, and link
// discovery is crawler/discover's, run on the bytes as received.
//
// # Sharding
//
// Options.Shard takes a stable share of the portals by the hash of their
// first start URL's host, so several processes (a Kubernetes indexed job)
// can split a configuration. All of a portal's requests go to the shard
// that owns it; two portals that share a secondary host in different
// shards could then each ask it, at the per-host pace of each.
package crawler
