package state

import (
	"path/filepath"
	"testing"
	"time"
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "state.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestRunsResumeUntilFinished(t *testing.T) {
	s := open(t)
	now := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	r1, err := s.BeginRun(now)
	if err != nil || r1.ID != 1 || r1.Resumed {
		t.Fatalf("first run %+v %v", r1, err)
	}
	again, _ := s.BeginRun(now.Add(time.Hour))
	if again.ID != 1 || !again.Resumed || !again.Started.Equal(now) {
		t.Fatalf("unfinished run not resumed: %+v", again)
	}
	if err := s.FinishRun(1, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(7, now); err == nil {
		t.Error("finishing a run that is not current should fail")
	}
	r2, _ := s.BeginRun(now.Add(24 * time.Hour))
	if r2.ID != 2 || r2.Resumed {
		t.Fatalf("next night %+v", r2)
	}
}

func TestEnqueueOncePerRunKeepingValidators(t *testing.T) {
	s := open(t)
	a := Record{URL: "http://h/a", Host: "h", Portal: "p", Kind: "report", Title: "t"}
	post := Record{URL: "http://h/proxy", Method: "POST", Form: "page=2", Host: "h", Portal: "p", Kind: "list"}
	post3 := post
	post3.Form = "page=3"
	added, err := s.Enqueue(1, []Record{a, a, post, post3})
	if err != nil || len(added) != 3 {
		t.Fatalf("added %d (%v), want 3: a once, two distinct POST forms", len(added), err)
	}
	if added[1].Key == added[2].Key || added[1].Key == "http://h/proxy" {
		t.Errorf("POST keys %q %q", added[1].Key, added[2].Key)
	}
	// Done with validators, then the next run queues it again with them.
	rec := added[0]
	rec.ETag, rec.PayloadDigest, rec.RecordID = `"e1"`, "sha1:AAAA", "<urn:uuid:1>"
	children := []Record{{URL: "http://g/b.pdf", Host: "g", Portal: "p", Kind: "attachment"}}
	got, err := s.Apply(1, Commit{Record: rec, Dequeue: true, Enqueue: children, Capture: []byte(`{"n":1}`)})
	if err != nil || len(got) != 1 {
		t.Fatalf("apply: %v, %d enqueued", err, len(got))
	}
	if again, _ := s.Enqueue(1, []Record{a}); len(again) != 0 {
		t.Error("a target done in this run was queued again")
	}
	next, _ := s.Enqueue(2, []Record{{URL: "http://h/a", Host: "h", Portal: "p", Kind: "report"}})
	if len(next) != 1 || next[0].ETag != `"e1"` || next[0].PayloadDigest != "sha1:AAAA" || next[0].Title != "t" || next[0].Status != Pending {
		t.Fatalf("next run record %+v", next)
	}
	hosts, _ := s.Hosts()
	if len(hosts) != 2 {
		t.Errorf("hosts %v, want h and g", hosts)
	}
	var caps int
	s.Captures(1, func([]byte) error { caps++; return nil })
	if caps != 1 {
		t.Errorf("%d captures in run 1", caps)
	}
}

func TestQueueWindowsAndDequeue(t *testing.T) {
	s := open(t)
	var recs []Record
	for i := 0; i < 10; i++ {
		recs = append(recs, Record{URL: "http://h/" + string(rune('a'+i)), Host: "h", Portal: "p", Kind: "report"})
	}
	if _, err := s.Enqueue(1, recs); err != nil {
		t.Fatal(err)
	}
	w1, _ := s.Queued("h", 0, 4)
	w2, _ := s.Queued("h", w1[len(w1)-1].QueueSeq, 4)
	if len(w1) != 4 || len(w2) != 4 || w1[0].URL != "http://h/a" || w2[0].URL != "http://h/e" {
		t.Fatalf("windows %d %d", len(w1), len(w2))
	}
	// A target left queued (deferred, or the process was killed) is still
	// there after the others are done.
	for _, r := range append(w1, w2...) {
		if _, err := s.Apply(1, Commit{Record: r, Dequeue: true}); err != nil {
			t.Fatal(err)
		}
	}
	rest, _ := s.Queued("h", 0, 100)
	if len(rest) != 2 || rest[0].URL != "http://h/i" {
		t.Fatalf("rest %+v", rest)
	}
	st, _ := s.Stats()
	if st.Done != 8 || st.Pending != 2 || st.Queued != 2 {
		t.Errorf("stats %+v", st)
	}
	// Next run: the leftover keeps its place instead of being queued twice.
	again, _ := s.Enqueue(2, rest[:1])
	if len(again) != 1 || again[0].QueueSeq != rest[0].QueueSeq {
		t.Errorf("leftover requeued at %d, was %d", again[0].QueueSeq, rest[0].QueueSeq)
	}
	if st, _ := s.Stats(); st.Queued != 2 {
		t.Errorf("queued %d after requeue, want 2", st.Queued)
	}
}

func TestHostMemory(t *testing.T) {
	s := open(t)
	until := time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)
	if err := s.PutHost("h", Host{ChallengedUntil: until, Reason: "412"}); err != nil {
		t.Fatal(err)
	}
	h, _ := s.GetHost("h")
	if !h.ChallengedUntil.Equal(until) || h.Reason != "412" {
		t.Errorf("host %+v", h)
	}
	if h, _ := s.GetHost("other"); !h.ChallengedUntil.IsZero() {
		t.Errorf("unknown host %+v", h)
	}
}
