package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/store"
)

const keysUsage = `Usage:
  beseda keys list   [--db URL] [--data-dir DIR]     the keys the database's secrets are sealed with, and this server's
  beseda keys reseal [--db URL] [--data-dir DIR]     seal every secret with the first key (start does it too)
  beseda keys forget --key-id ID [--db URL] [--data-dir DIR]
                                                     drop the secrets sealed with a lost key, so that the server starts

The keys come from BESEDA_SECRET_KEY or the key file DATA_DIR/secret.key,
as for "beseda serve". Run "beseda keys COMMAND --help" for its flags.
`

func keys(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("keys: a command is needed\n\n" + keysUsage)
	}
	switch args[0] {
	case "list":
		return keysList(ctx, args[1:], stdout)
	case "reseal":
		return keysReseal(ctx, args[1:], stdout)
	case "forget":
		return keysForget(ctx, args[1:], stdout)
	}
	if isHelp(args[0]) && len(args) == 1 {
		fmt.Fprint(stdout, keysUsage)
		return nil
	}
	return fmt.Errorf("keys: unknown command %q\n\n%s", args[0], keysUsage)
}

// keysFlags are what every keys command takes: the database and where the
// key file is.
type keysFlags struct {
	db, dataDir string
	dataDirSet  bool
}

func (k *keysFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&k.db, "db", env("BESEDA_DB", store.DefaultURL), "database: sqlite:PATH, a path, or postgres://… (env BESEDA_DB)")
	fs.StringVar(&k.dataDir, "data-dir", env("BESEDA_DATA_DIR", ""),
		"the server's data directory, where its key file is, as for serve (env BESEDA_DATA_DIR)")
}

// check checks the database's URL and that an SQLite database exists: a
// keys command never makes one, nor anything else for a mistyped one.
func (k *keysFlags) check() error {
	dialect, path, err := store.ParseURL(k.db)
	if err != nil {
		return err
	}
	if dialect == store.SQLite {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("there is no database at %s (give its --db)", path)
		}
	}
	return nil
}

func (k *keysFlags) open(ctx context.Context, opts ...store.Option) (*store.DB, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	return store.Open(ctx, k.db, opts...)
}

// keys loads this server's keys as serve does; create makes a missing key
// file, as serve's first start.
func (k *keysFlags) keys(create bool) (*server.Keys, error) {
	k.dataDirSet = k.dataDir != ""
	if !k.dataDirSet {
		dir, err := server.DefaultDataDir(k.db)
		if err != nil {
			return nil, err
		}
		k.dataDir = dir
	}
	return server.LoadKeys(os.Getenv("BESEDA_SECRET_KEY"), k.dataDir, create)
}

func (k *keysFlags) hint() string {
	h := server.DBHint(k.db)
	if k.dataDirSet {
		h += " --data-dir " + shellWord(k.dataDir)
	}
	return h
}

func keysList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("keys list", flag.ContinueOnError)
	var kf keysFlags
	kf.register(fs)
	if help, err := parseFlags(fs, "keys list [--db URL] [--data-dir DIR]", args, stdout); help || err != nil {
		return err
	}
	if err := kf.check(); err != nil {
		return err
	}
	mine, keyErr := kf.keys(false)
	db, err := kf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	used, err := db.SecretKeyIDs(ctx)
	if err != nil {
		return err
	}
	secrets, err := db.Secrets(ctx)
	if err != nil {
		return err
	}
	w := &strings.Builder{}
	if len(used) == 0 {
		fmt.Fprintf(w, "The database %s holds no sealed secret.\n", store.Redact(kf.db))
	} else {
		fmt.Fprintf(w, "The database %s has secrets sealed with:\n", store.Redact(kf.db))
	}
	missing := 0
	for _, id := range used {
		state := "this server has it"
		if mine != nil && mine.Ring.IDs()[0] == id {
			state += " (it seals)"
		}
		if mine == nil || !mine.Ring.Has(id) {
			state, missing = "MISSING: this server does not have it", missing+1
		}
		fmt.Fprintf(w, "  key %s   %s\n", id, state)
		for _, s := range secrets {
			if s.KeyID == id {
				fmt.Fprintf(w, "      %s\n", describeSecret(s))
			}
		}
	}
	var plain []store.Secret
	for _, s := range secrets {
		if s.KeyID == "" {
			plain = append(plain, s)
		}
	}
	if len(plain) > 0 {
		fmt.Fprintf(w, "Not sealed yet (the server seals them at its next start):\n")
		for _, s := range plain {
			fmt.Fprintf(w, "      %s\n", describeSecret(s))
		}
	}
	if mine == nil {
		fmt.Fprintf(w, "This server has no keys: %v\n", keyErr)
	} else {
		var list []string
		for i, id := range mine.Ring.IDs() {
			switch {
			case i == 0:
				id += " (seals)"
			case !slices.Contains(used, id):
				id += " (seals nothing here: it can go)"
			}
			list = append(list, id)
		}
		fmt.Fprintf(w, "This server's keys, from %s: %s\n", mine.Source(), strings.Join(list, ", "))
	}
	if missing > 0 {
		fmt.Fprintf(w, "A missing key is looked for in BESEDA_SECRET_KEY and the key file; lost for good, its secrets are dropped with\n"+
			"  beseda keys forget --key-id ID %s\n", kf.hint())
	}
	fmt.Fprint(stdout, w.String())
	return nil
}

// describeSecret names a secret for an operator.
func describeSecret(s store.Secret) string {
	switch s.Where {
	case store.SecretChannelConfig:
		t := server.Channels().Of(beseda.ChannelKind(s.Kind))
		return fmt.Sprintf("channel %d %q (%s, workspace %d): its settings", s.ID, s.Name, t.Title(beseda.LocaleEN), s.WorkspaceID)
	case store.SecretWebhook:
		return fmt.Sprintf("webhook %d %s (workspace %d): its signing secret", s.ID, s.Name, s.WorkspaceID)
	case store.SecretInstallationValue:
		if s.Key == "signing_secret" {
			return "the installation's signing secret (rating buttons, file links)"
		}
		return "the installation's " + s.Key
	case store.SecretTOTP:
		return fmt.Sprintf("user %d %s (workspace %d): the two-factor sign-in key", s.ID, s.Name, s.WorkspaceID)
	case store.SecretOIDCClient:
		return fmt.Sprintf("workspace %d: the single sign-on client secret of %s", s.WorkspaceID, s.Name)
	}
	return s.Where
}

func keysReseal(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("keys reseal", flag.ContinueOnError)
	var kf keysFlags
	kf.register(fs)
	if help, err := parseFlags(fs, "keys reseal [--db URL] [--data-dir DIR]", args, stdout); help || err != nil {
		return err
	}
	if err := kf.check(); err != nil {
		return err
	}
	mine, err := kf.keys(false)
	if err != nil {
		return err
	}
	db, err := kf.open(ctx, store.WithKeyring(mine.Ring), store.WithServeLock("beseda keys reseal"))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := mine.Check(ctx, db, kf.hint()); err != nil {
		return err
	}
	n, err := db.ResealSecrets(ctx)
	if err != nil {
		return err
	}
	used, err := db.SecretKeyIDs(ctx)
	if err != nil {
		return err
	}
	current := mine.Ring.IDs()[0]
	fmt.Fprintf(stdout, "%d secrets sealed again with key %s (from %s).\n", n, current, mine.Source())
	if len(used) == 0 {
		fmt.Fprintf(stdout, "The database holds no sealed secret.\n")
	} else {
		fmt.Fprintf(stdout, "The database's secrets are sealed with key %s only", strings.Join(used, ", "))
		if others := len(mine.Ring.IDs()) - 1; others > 0 {
			fmt.Fprintf(stdout, "; the other keys of %s can go", mine.Source())
		}
		fmt.Fprintln(stdout, ".")
	}
	return nil
}

var keyIDPattern = regexp.MustCompile(`^[0-9a-f]{8}$`)

func keysForget(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("keys forget", flag.ContinueOnError)
	var kf keysFlags
	kf.register(fs)
	idList := fs.String("key-id", "", "the id of the lost key, as beseda keys list and the server's start-up error name it (several: ID,ID)")
	if help, err := parseFlags(fs, "keys forget --key-id ID [--db URL] [--data-dir DIR]", args, stdout); help || err != nil {
		return err
	}
	var ids []string
	for _, id := range strings.Split(*idList, ",") {
		if id = strings.ToLower(strings.TrimSpace(id)); id == "" {
			continue
		}
		if !keyIDPattern.MatchString(id) {
			return fmt.Errorf("keys forget: --key-id %q is not a key id (8 hex digits, as beseda keys list shows them)", id)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return errors.New("keys forget: --key-id ID is required: the lost key's id, as beseda keys list shows it")
	}
	if err := kf.check(); err != nil {
		return err
	}
	// The new secrets (webhooks') are sealed with this server's key, made
	// now when there is no key file, as the server's first start would.
	mine, err := kf.keys(true)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if mine.Ring.Has(id) {
			return fmt.Errorf("keys forget: this server has key %s (from %s): nothing is lost, and nothing is forgotten. "+
				"To stop using a key, put a new one first and run beseda keys reseal", id, mine.Source())
		}
	}
	db, err := kf.open(ctx, store.WithKeyring(mine.Ring), store.WithServeLock("beseda keys forget"))
	if err != nil {
		return err
	}
	defer db.Close()
	a := app.New(db, app.Config{Channels: server.Channels(), Logger: slog.New(slog.DiscardHandler)})
	forgotten, err := a.ForgetKeys(ctx, ids)
	if err != nil {
		return err
	}
	if len(forgotten) == 0 {
		fmt.Fprintf(stdout, "No secret is sealed with key %s; the database no longer names it.\n", strings.Join(ids, ", "))
	} else {
		fmt.Fprintf(stdout, "Forgotten with key %s:\n", strings.Join(ids, ", "))
		for _, f := range forgotten {
			fmt.Fprintf(stdout, "  - %s\n", f.Lost)
		}
	}
	used, err := db.SecretKeyIDs(ctx)
	if err != nil {
		return err
	}
	var still []string
	for _, id := range used {
		if !mine.Ring.Has(id) {
			still = append(still, id)
		}
	}
	if len(still) > 0 {
		fmt.Fprintf(stdout, "The database still has secrets sealed with %s, which this server does not have (beseda keys list %s).\n",
			strings.Join(still, ", "), kf.hint())
		return nil
	}
	if mine.Made {
		fmt.Fprintf(stdout, "A new key file was made at %s: keep a copy apart from the database's backups.\n", mine.File)
	}
	fmt.Fprintf(stdout, "The server starts again with the keys of %s.\n", mine.Source())
	return nil
}
