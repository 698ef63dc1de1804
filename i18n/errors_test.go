package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/beseda/beseda/i18n"
)

// TestConsoleErrorsHaveTheManagersWords: every error the domain, the use
// cases and the console make with a message the console shows (invalid
// input, not found, forbidden) is written for managers in both languages,
// and so is every noun of a "not found": the console never shows the API's
// English with its machine names (config.bot_token, dialog_settings.edit).
func TestConsoleErrorsHaveTheManagersWords(t *testing.T) {
	shown := map[string]bool{"EINVALID": true, "ENOTFOUND": true, "EFORBIDDEN": true}
	for _, dir := range []string{"..", "../app", "../web", "../store"} {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, pkg := range pkgs {
			for _, f := range pkg.Files {
				ast.Inspect(f, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					where := fset.Position(call.Pos())
					where.Filename = filepath.Base(where.Filename)
					switch name(call.Fun) {
					case "Errorf":
						if len(call.Args) < 2 || !shown[name(call.Args[0])] {
							return true
						}
						if format, ok := literal(call.Args[1]); ok && !i18n.HasError(format) {
							t.Errorf("%s: %q has no words for managers (i18n/errors.go)", where, format)
						}
					case "NotFound":
						if len(call.Args) == 1 {
							if noun, ok := literal(call.Args[0]); ok && !i18n.HasWord("noun."+noun) {
								t.Errorf("%s: the noun %q has no words for managers (i18n/errors.go)", where, noun)
							}
						}
					}
					return true
				})
			}
		}
	}
}

func name(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.SelectorExpr:
		return v.Sel.Name
	}
	return ""
}

func literal(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}
