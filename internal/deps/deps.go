//go:build tools

// Package deps pins the modules the stages are being built on, so that
// parallel work on separate packages does not race on go.mod. It is removed
// once every dependency is imported by real code.
package deps

import (
	_ "github.com/PuerkitoBio/goquery"
	_ "github.com/gocolly/colly/v2"
	_ "github.com/parquet-go/parquet-go"
	_ "github.com/temoto/robotstxt"
	_ "github.com/xuri/excelize/v2"
	_ "go.etcd.io/bbolt"
	_ "go.uber.org/zap"
	_ "golang.org/x/net/html"
	_ "golang.org/x/term"
	_ "golang.org/x/text/encoding/simplifiedchinese"
	_ "gopkg.in/yaml.v3"
)
