package crawler

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Every caller returns only after a sync that began after it called, and
// concurrent callers share syncs.
func TestGroupSyncSharesAndCovers(t *testing.T) {
	var g groupSync
	var syncs atomic.Int64
	var began sync.Map // generation → start time
	do := func() error {
		n := syncs.Add(1)
		began.Store(n, time.Now())
		time.Sleep(5 * time.Millisecond)
		return nil
	}
	var wg sync.WaitGroup
	var late atomic.Int64
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			called := time.Now()
			before := syncs.Load()
			if err := g.sync(do); err != nil {
				t.Error(err)
			}
			// Some sync numbered after the ones begun before we called
			// must have started after our call.
			ok := false
			for n := before + 1; n <= syncs.Load(); n++ {
				if v, found := began.Load(n); found && !v.(time.Time).Before(called) {
					ok = true
				}
			}
			if !ok {
				late.Add(1)
			}
		}()
		time.Sleep(200 * time.Microsecond)
	}
	wg.Wait()
	if late.Load() > 0 {
		t.Errorf("%d callers returned without a sync begun after their call", late.Load())
	}
	if n := syncs.Load(); n >= 40 || n < 2 {
		t.Errorf("%d syncs for 40 callers; want them shared", n)
	}
}
