// Package state keeps the crawl state on disk in one bbolt file: per URL
// its status, attempts, validators (ETag, Last-Modified), payload digest
// and WARC reference; the frontier as one FIFO per host; per-host notes
// (challenge back-off); and the captures of each run.
//
// The frontier lives on disk so that memory does not grow with the number
// of URLs: the engine reads a small window of each host's queue at a time.
// A queue entry is deleted in the same transaction that marks its URL
// done, so a crash at any moment leaves every unfinished URL queued.
//
// Runs: a run is one nightly pass. BeginRun resumes the last run if it did
// not finish (the same command after a crash continues where it stopped)
// and starts a new one otherwise. A URL is enqueued at most once per run.
package state

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Status is where a URL stands.
type Status string

const (
	// Pending URLs wait in their host's queue.
	Pending Status = "pending"
	// Done URLs reached a terminal outcome in Record.QueuedRun (archived,
	// not modified, disallowed by robots, or failed for good).
	Done Status = "done"
)

var (
	bucketURLs     = []byte("urls")
	bucketQueue    = []byte("queue")
	bucketHosts    = []byte("hosts")
	bucketCaptures = []byte("captures")
	bucketMeta     = []byte("meta")
	keyRun         = []byte("run")
)

// Record is what the crawler knows about one request target.
type Record struct {
	Key     string `json:"key"` // Key(method, url, form)
	URL     string `json:"url"`
	Method  string `json:"method,omitempty"`
	Form    string `json:"form,omitempty"` // url-encoded POST body
	Referer string `json:"referer,omitempty"`
	Host    string `json:"host"`
	Portal  string `json:"portal"`
	Kind    string `json:"kind"`
	Title   string `json:"title,omitempty"`
	// Depth counts list pages followed from a start URL (pagination depth).
	Depth int `json:"depth,omitempty"`
	// Via is the redirect chain that led here, oldest first.
	Via []string `json:"via,omitempty"`

	Status    Status    `json:"status"`
	QueuedRun uint64    `json:"queued_run"`
	QueueSeq  uint64    `json:"queue_seq,omitempty"` // 0: not in a queue
	Attempts  int       `json:"attempts,omitempty"`
	NextFetch time.Time `json:"next_fetch,omitzero"`

	// Validators and digest of the last full response archived for this
	// target, used for conditional requests and revisit records.
	ETag          string    `json:"etag,omitempty"`
	LastModified  string    `json:"last_modified,omitempty"`
	PayloadDigest string    `json:"payload_digest,omitempty"`
	RecordID      string    `json:"record_id,omitempty"` // WARC-Record-ID of that response
	RecordDate    time.Time `json:"record_date,omitzero"`
	// RecordFile and RecordOffset locate that response in the archive.
	RecordFile   string `json:"record_file,omitempty"`
	RecordOffset int64  `json:"record_offset,omitempty"`

	// Last outcome.
	HTTPStatus  int       `json:"http_status,omitempty"`
	FetchStatus string    `json:"fetch_status,omitempty"`
	FetchedAt   time.Time `json:"fetched_at,omitzero"`
	WARCFile    string    `json:"warc_file,omitempty"`
	WARCOffset  int64     `json:"warc_offset,omitempty"`
	WARCLength  int64     `json:"warc_length,omitempty"`
	Error       string    `json:"error,omitempty"`
}

// Key identifies a request target: GET targets by URL, POST targets by
// URL and form body (a Hanweb dataproxy page is one URL with many forms).
func Key(method, rawURL, form string) string {
	if method == "" || method == "GET" {
		return rawURL
	}
	return method + " " + rawURL + " " + form
}

// Host is what the crawler remembers about one host between runs.
type Host struct {
	// ChallengedUntil: the host answered with an anti-bot challenge and is
	// left alone until then.
	ChallengedUntil time.Time `json:"challenged_until,omitzero"`
	Reason          string    `json:"reason,omitempty"`
}

// Run is one nightly pass.
type Run struct {
	ID       uint64    `json:"id"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// Resumed is true when BeginRun continued an unfinished run.
	Resumed bool `json:"-"`
}

// Options tune the store.
type Options struct {
	// NoSync skips fsync on commit. Only for benchmarks and tests that do
	// not crash: with NoSync a power loss may lose committed state.
	NoSync bool
	// Timeout waits this long for the file lock held by another process.
	Timeout time.Duration
}

// Store is the crawl state. It is safe for concurrent use.
type Store struct {
	db *bolt.DB
}

// Open opens (or creates) the state file at path.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: opts.Timeout, NoSync: opts.NoSync, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	// Batch coalesces the commits of concurrent fetches; a short window
	// keeps the latency of each low (the default is 10ms).
	db.MaxBatchDelay = 2 * time.Millisecond
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketURLs, bucketQueue, bucketHosts, bucketCaptures, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init state %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// BeginRun resumes the last run if it is unfinished, else starts a new one.
func (s *Store) BeginRun(now time.Time) (Run, error) {
	var run Run
	err := s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keyRun); v != nil {
			if err := json.Unmarshal(v, &run); err != nil {
				return fmt.Errorf("decode run: %w", err)
			}
			if run.Finished.IsZero() {
				run.Resumed = true
				return nil
			}
		}
		run = Run{ID: run.ID + 1, Started: now.UTC()}
		return putJSON(meta, keyRun, run)
	})
	return run, err
}

// FinishRun marks the run finished: the next BeginRun starts a new one.
func (s *Store) FinishRun(id uint64, now time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		var run Run
		if v := meta.Get(keyRun); v != nil {
			if err := json.Unmarshal(v, &run); err != nil {
				return fmt.Errorf("decode run: %w", err)
			}
		}
		if run.ID != id {
			return fmt.Errorf("finish run %d: current run is %d", id, run.ID)
		}
		run.Finished = now.UTC()
		return putJSON(meta, keyRun, run)
	})
}

// Get returns the record for key.
func (s *Store) Get(key string) (Record, bool, error) {
	var r Record
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketURLs).Get([]byte(key))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &r)
	})
	return r, ok, err
}

// Enqueue queues records for run. A target already queued or done in this
// run is skipped; a target known from earlier runs keeps its validators
// and digest so the fetch can be conditional. It returns the records
// actually queued.
func (s *Store) Enqueue(run uint64, recs []Record) ([]Record, error) {
	var added []Record
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		added, err = enqueue(tx, run, recs)
		return err
	})
	return added, err
}

func enqueue(tx *bolt.Tx, run uint64, recs []Record) ([]Record, error) {
	urls := tx.Bucket(bucketURLs)
	queue := tx.Bucket(bucketQueue)
	var added []Record
	for _, r := range recs {
		if r.Key == "" {
			r.Key = Key(r.Method, r.URL, r.Form)
		}
		if r.Host == "" {
			return nil, fmt.Errorf("enqueue %s: no host", r.Key)
		}
		if v := urls.Get([]byte(r.Key)); v != nil {
			var old Record
			if err := json.Unmarshal(v, &old); err != nil {
				return nil, fmt.Errorf("decode %s: %w", r.Key, err)
			}
			if old.QueuedRun == run {
				continue
			}
			// Keep what earlier runs learnt; take the new context.
			old.Portal, old.Kind, old.Depth, old.Via = r.Portal, r.Kind, r.Depth, r.Via
			if r.Title != "" {
				old.Title = r.Title
			}
			if r.Referer != "" {
				old.Referer = r.Referer
			}
			r = old
		}
		r.Status, r.QueuedRun, r.Attempts, r.NextFetch = Pending, run, 0, time.Time{}
		if r.QueueSeq == 0 { // a target left queued by an earlier run keeps its place
			hq, err := queue.CreateBucketIfNotExists([]byte(r.Host))
			if err != nil {
				return nil, err
			}
			seq, err := hq.NextSequence()
			if err != nil {
				return nil, err
			}
			r.QueueSeq = seq
			if err := hq.Put(u64(seq), []byte(r.Key)); err != nil {
				return nil, err
			}
		}
		if err := putJSON(urls, []byte(r.Key), r); err != nil {
			return nil, err
		}
		added = append(added, r)
	}
	return added, nil
}

// Hosts lists the hosts that have queued targets.
func (s *Store) Hosts() ([]string, error) {
	var hosts []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketQueue).ForEachBucket(func(k []byte) error {
			if first, _ := tx.Bucket(bucketQueue).Bucket(k).Cursor().First(); first != nil {
				hosts = append(hosts, string(k))
			}
			return nil
		})
	})
	return hosts, err
}

// Queued returns up to n records queued for host after queue position
// after, in queue order.
func (s *Store) Queued(host string, after uint64, n int) ([]Record, error) {
	var out []Record
	err := s.db.View(func(tx *bolt.Tx) error {
		hq := tx.Bucket(bucketQueue).Bucket([]byte(host))
		if hq == nil {
			return nil
		}
		urls := tx.Bucket(bucketURLs)
		c := hq.Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < n; k, v = c.Next() {
			raw := urls.Get(v)
			if raw == nil {
				return fmt.Errorf("queue %s/%d: no record for %q", host, binary.BigEndian.Uint64(k), v)
			}
			var r Record
			if err := json.Unmarshal(raw, &r); err != nil {
				return fmt.Errorf("decode %s: %w", v, err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// Commit is one atomic change made when a fetch ends.
type Commit struct {
	Record Record
	// Dequeue removes the record from its host queue (a terminal outcome).
	// Otherwise the record stays queued (retry later, deferred).
	Dequeue bool
	// Enqueue queues new targets (links found, a redirect target).
	Enqueue []Record
	// Capture is appended to the run's capture log (opaque bytes).
	Capture []byte
}

// Apply commits c for run in one transaction and returns the records
// actually enqueued. Concurrent calls are batched into one fsync.
func (s *Store) Apply(run uint64, c Commit) ([]Record, error) {
	var added []Record
	err := s.db.Batch(func(tx *bolt.Tx) error {
		added = nil // Batch may run the function again
		r := c.Record
		if r.Key == "" {
			r.Key = Key(r.Method, r.URL, r.Form)
		}
		if c.Dequeue {
			if r.QueueSeq != 0 {
				if hq := tx.Bucket(bucketQueue).Bucket([]byte(r.Host)); hq != nil {
					if err := hq.Delete(u64(r.QueueSeq)); err != nil {
						return err
					}
				}
			}
			r.QueueSeq = 0
			r.Status = Done
		}
		if r.URL != "" { // a capture without a target (robots.txt) has no record
			if err := putJSON(tx.Bucket(bucketURLs), []byte(r.Key), r); err != nil {
				return err
			}
		}
		var err error
		if added, err = enqueue(tx, run, c.Enqueue); err != nil {
			return err
		}
		if c.Capture != nil {
			rb, err := tx.Bucket(bucketCaptures).CreateBucketIfNotExists(u64(run))
			if err != nil {
				return err
			}
			seq, err := rb.NextSequence()
			if err != nil {
				return err
			}
			if err := rb.Put(u64(seq), c.Capture); err != nil {
				return err
			}
		}
		return nil
	})
	return added, err
}

// Captures calls fn with every capture logged in run, in commit order.
func (s *Store) Captures(run uint64, fn func([]byte) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketCaptures).Bucket(u64(run))
		if rb == nil {
			return nil
		}
		return rb.ForEach(func(_, v []byte) error { return fn(v) })
	})
}

// GetHost returns what is remembered about host.
func (s *Store) GetHost(host string) (Host, error) {
	var h Host
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketHosts).Get([]byte(host)); v != nil {
			return json.Unmarshal(v, &h)
		}
		return nil
	})
	return h, err
}

// PutHost remembers h for host.
func (s *Store) PutHost(host string, h Host) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketHosts), []byte(host), h)
	})
}

// Stats counts records by status and queued entries.
type Stats struct {
	URLs, Done, Pending, Queued int
}

// Stats scans the store (for tests and the CLI's status command).
func (s *Store) Stats() (Stats, error) {
	var st Stats
	err := s.db.View(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketURLs).ForEach(func(_, v []byte) error {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			st.URLs++
			switch r.Status {
			case Done:
				st.Done++
			case Pending:
				st.Pending++
			}
			return nil
		})
		if err != nil {
			return err
		}
		q := tx.Bucket(bucketQueue)
		return q.ForEachBucket(func(k []byte) error {
			st.Queued += q.Bucket(k).Stats().KeyN
			return nil
		})
	})
	return st, err
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}
