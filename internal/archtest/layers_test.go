package archtest

import (
	"bufio"
	"errors"
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// graph is the module's packages and the module packages each one's non-test files import
// (test files are left out: the end-to-end tests in internal/engine cross every layer on
// purpose). Paths are relative to the module: "api", "internal/store".
type graph struct {
	module  string
	imports map[string][]string // package → imported packages of the module
	deps    map[string][]string // package → every imported path as written, for third parties
}

func loadGraph(t *testing.T) graph {
	t.Helper()
	root, module := moduleRoot(t)
	g := graph{module: module, imports: map[string][]string{}, deps: map[string][]string{}}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		var noGo *build.NoGoError
		if errors.As(err, &noGo) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		g.deps[rel] = pkg.Imports
		g.imports[rel] = nil
		for _, imp := range pkg.Imports {
			if p, ok := strings.CutPrefix(imp, module+"/"); ok {
				g.imports[rel] = append(g.imports[rel], p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"api", "worker", "workflows", "activities", "models", "internal/engine", "internal/store"} {
		if _, ok := g.imports[want]; !ok {
			t.Fatalf("package %s not found under %s: the test would check nothing", want, root)
		}
	}
	return g
}

// moduleRoot returns the directory holding go.mod, above this test's, and the module path.
func moduleRoot(t *testing.T) (dir, module string) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		f, err := os.Open(filepath.Join(dir, "go.mod"))
		if err == nil {
			defer f.Close()
			s := bufio.NewScanner(f)
			for s.Scan() {
				if m, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(m), `"`)
				}
			}
			t.Fatalf("%s/go.mod names no module", dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// under reports whether pkg is prefix or one of its subpackages.
func under(pkg, prefix string) bool {
	return pkg == prefix || strings.HasPrefix(pkg, prefix+"/")
}

func underAny(pkg string, prefixes ...string) bool {
	for _, p := range prefixes {
		if under(pkg, p) {
			return true
		}
	}
	return false
}

// closure returns every module package pkg depends on, directly or not, sorted.
func (g graph) closure(pkg string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(p string) {
		for _, imp := range g.imports[p] {
			if !seen[imp] {
				seen[imp] = true
				walk(imp)
			}
		}
	}
	walk(pkg)
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (g graph) packages() []string {
	out := make([]string, 0, len(g.imports))
	for p := range g.imports {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// importers lists "a imports b" for each package a, not allowed and not itself one of of,
// that imports a package b of of.
func (g graph) importers(of []string, allowed func(importer string) bool) []string {
	var out []string
	for _, p := range g.packages() {
		if allowed(p) || underAny(p, of...) {
			continue
		}
		for _, imp := range g.imports[p] {
			if underAny(imp, of...) {
				out = append(out, p+" imports "+imp)
			}
		}
	}
	return out
}

// reaching lists "a depends on b" for each forbidden package in the closure of a.
func (g graph) reaching(pkg string, forbidden ...string) []string {
	var out []string
	for _, dep := range g.closure(pkg) {
		if underAny(dep, forbidden...) {
			out = append(out, pkg+" depends on "+dep)
		}
	}
	return out
}

// direct lists "a imports b" for each forbidden package a imports itself.
func (g graph) direct(pkg string, forbidden ...string) []string {
	var out []string
	for _, imp := range g.deps[pkg] {
		imp = strings.TrimPrefix(imp, g.module+"/")
		if underAny(imp, forbidden...) {
			out = append(out, pkg+" imports "+imp)
		}
	}
	return out
}

func report(t *testing.T, rule string, broken []string) {
	t.Helper()
	if len(broken) > 0 {
		t.Errorf("%s:\n\t%s", rule, strings.Join(broken, "\n\t"))
	}
}

// readSide are the packages that show state to people: they may name workflows (their IDs,
// queries) but never run activities.
var readSide = []string{"internal/timeline", "internal/web"}

// upper are the packages above the leaves: the composition root and the Temporal layers.
var upper = []string{"cmd", "internal/engine", "api", "worker", "workflows", "activities"}

// isLeaf: models and every package under internal/ but the composition root, the read side
// and this one. A new package under internal/ is a leaf unless listed here.
func isLeaf(pkg string) bool {
	if pkg == "models" {
		return true
	}
	return under(pkg, "internal") && !underAny(pkg, "internal/engine", "internal/archtest") && !underAny(pkg, readSide...)
}

func TestLayers(t *testing.T) {
	g := loadGraph(t)

	t.Run("only cmd imports the composition root", func(t *testing.T) {
		report(t, "internal/engine is imported outside cmd/", g.importers([]string{"internal/engine"},
			func(p string) bool { return under(p, "cmd") }))
	})

	t.Run("only the composition root imports api and worker", func(t *testing.T) {
		report(t, "api or worker is imported outside cmd/ and internal/engine", g.importers([]string{"api", "worker"},
			func(p string) bool { return underAny(p, "cmd", "internal/engine") }))
	})

	t.Run("activities sit below workflows", func(t *testing.T) {
		for _, p := range g.packages() {
			if under(p, "activities") {
				report(t, "activities reach up", g.reaching(p, "workflows", "api", "worker", "internal/engine", "cmd"))
			}
		}
	})

	t.Run("workflows depend on no web or database library", func(t *testing.T) {
		for _, p := range g.packages() {
			if under(p, "workflows") {
				report(t, "workflows import gin or gorm", g.direct(p, "github.com/gin-gonic/gin", "gorm.io"))
			}
		}
	})

	t.Run("the read side runs no activity", func(t *testing.T) {
		for _, p := range g.packages() {
			if underAny(p, readSide...) {
				report(t, "the read side imports activities, api, worker or the composition root",
					g.direct(p, "activities", "api", "worker", "internal/engine", "cmd"))
			}
		}
	})

	t.Run("the leaves depend on nothing above them", func(t *testing.T) {
		leaves := 0
		for _, p := range g.packages() {
			if isLeaf(p) {
				leaves++
				report(t, "a leaf package reaches up", g.reaching(p, append(upper, readSide...)...))
			}
		}
		if leaves < 10 {
			t.Fatalf("only %d leaf packages found: the walk missed internal/", leaves)
		}
	})

	t.Run("the API runs no activity", func(t *testing.T) {
		report(t, "the API imports activities", g.direct("api", "activities"))
	})
}
