package htmldoc

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// benchInputs are the fixtures plus a large synthetic page: a portal page
// whose body repeats the three report tables and some narrative, about 2 MB.
func benchInputs(b *testing.B) map[string][]byte {
	b.Helper()
	in := map[string][]byte{}
	files, err := filepath.Glob("../testdata/html/*.html")
	if err != nil || len(files) == 0 {
		b.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		in[strings.TrimSuffix(filepath.Base(f), ".html")] = data
	}
	in["synthetic_2MB"] = syntheticPage(2 << 20)
	return in
}

// syntheticPage builds a page of about size bytes from the body of the
// Hanweb fixture, repeated, inside its portal chrome.
func syntheticPage(size int) []byte {
	data, err := os.ReadFile("../testdata/html/hanweb_2021_utf8.html")
	if err != nil {
		panic(err)
	}
	i := bytes.Index(data, []byte(`<div id="zoom">`))
	j := bytes.Index(data, []byte(`<div class="print">`))
	body := data[i+len(`<div id="zoom">`) : j]
	var buf bytes.Buffer
	buf.Write(data[:i+len(`<div id="zoom">`)])
	for buf.Len() < size {
		buf.Write(body)
	}
	buf.Write(data[j:])
	return buf.Bytes()
}

// BenchmarkRead measures Read against two baselines on the same input in
// the same run: html.Parse alone (a DOM, no tables, no body selection) and
// the bare tokenizer. Compare the MB/s columns.
func BenchmarkRead(b *testing.B) {
	in := benchInputs(b)
	for _, name := range sortedKeys(in) {
		data := in[name]
		b.Run(name+"/Read", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Read(context.Background(), data, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/baseline_html.Parse", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := html.Parse(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/baseline_tokenizer", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				z := html.NewTokenizer(bytes.NewReader(data))
				for z.Next() != html.ErrorToken {
				}
			}
		})
	}
}

// BenchmarkReadRatio interleaves Read, html.Parse and the bare tokenizer
// on the same input inside every iteration and times each by the CPU time
// of the process, so that load from other processes on a shared machine
// hits all three alike. It reports each one's throughput and Read's speed
// relative to the baselines (x-of-parse > 1 means faster than html.Parse;
// x-of-tokenizer is the share of the bare tokenizer's speed). Run it with
// -cpu 1 so that garbage collection is charged to the stage that caused it.
func BenchmarkReadRatio(b *testing.B) {
	in := benchInputs(b)
	for _, name := range sortedKeys(in) {
		data := in[name]
		b.Run(name, func(b *testing.B) {
			var tRead, tParse, tTok time.Duration
			for b.Loop() {
				t0 := cpuNow()
				if _, err := Read(context.Background(), data, ""); err != nil {
					b.Fatal(err)
				}
				t1 := cpuNow()
				if _, err := html.Parse(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
				t2 := cpuNow()
				z := html.NewTokenizer(bytes.NewReader(data))
				for z.Next() != html.ErrorToken {
				}
				t3 := cpuNow()
				tRead += t1 - t0
				tParse += t2 - t1
				tTok += t3 - t2
			}
			mbs := func(d time.Duration) float64 {
				return float64(len(data)) * float64(b.N) / d.Seconds() / 1e6
			}
			b.ReportMetric(mbs(tRead), "read-MB/s")
			b.ReportMetric(mbs(tParse), "parse-MB/s")
			b.ReportMetric(mbs(tTok), "tokenizer-MB/s")
			b.ReportMetric(tParse.Seconds()/tRead.Seconds(), "x-of-parse")
			b.ReportMetric(tTok.Seconds()/tRead.Seconds(), "x-of-tokenizer")
		})
	}
}

// BenchmarkDecode measures charset decoding alone: the UTF-8 check is the
// common case, GB18030 decoding the expensive one.
func BenchmarkDecode(b *testing.B) {
	in := benchInputs(b)
	for _, name := range []string{"hanweb_2021_utf8", "trs_2021_gbk"} {
		data := in[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				Decode(data, "")
			}
		})
	}
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}
