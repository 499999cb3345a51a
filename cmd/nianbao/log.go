package main

import (
	"flag"
	"io"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
)

// logFlags are shared by every command that logs.
type logFlags struct {
	level  string
	format string
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.level, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&l.format, "log-format", "auto", "log format: auto (console on a terminal, JSON otherwise), console, json")
}

// logger builds the one logger of the process. Logs go to stderr: stdout
// carries only the command's result (TSV, JSONL, a summary).
func (l *logFlags) logger(e *env) (*zap.Logger, error) {
	var lvl zapcore.Level
	if err := lvl.UnmarshalText([]byte(l.level)); err != nil {
		return nil, usageError("--log-level: %q is not one of debug, info, warn, error", l.level)
	}
	format := l.format
	if format == "auto" {
		format = "json"
		if e.isTerminal {
			format = "console"
		}
	}
	var enc zapcore.Encoder
	switch format {
	case "json":
		cfg := zap.NewProductionEncoderConfig()
		cfg.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(cfg)
	case "console":
		cfg := zap.NewDevelopmentEncoderConfig()
		cfg.EncodeTime = zapcore.TimeEncoderOfLayout("15:04:05")
		if e.isTerminal {
			cfg.EncodeLevel = zapcore.CapitalColorLevelEncoder
		}
		enc = zapcore.NewConsoleEncoder(cfg)
	default:
		return nil, usageError("--log-format: %q is not one of auto, console, json", l.format)
	}
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(e.stderr), lvl)), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
