package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/beseda/beseda/store"
)

// SecretKeyFile is the key file's name in the data directory.
const SecretKeyFile = "secret.key"

// Keys are the keys that seal channel and webhook secrets and the signing
// secret in the database (store.Keyring), never stored in it, and where they
// came from: BESEDA_SECRET_KEY when set (Config.SecretKeys), else the data
// directory's key file. Either holds base64 keys of 32 bytes, separated by
// commas or lines; the first seals, all open.
type Keys struct {
	Ring    *store.Keyring
	FromEnv bool   // BESEDA_SECRET_KEY gave them
	File    string // the data directory's key file: read, made, or (FromEnv) not read
	Made    bool   // this start made the key file: there was none
	made    []byte
}

// LoadKeys reads the keys from secretKeys (BESEDA_SECRET_KEY) when it is
// set, else from the key file in dataDir. A missing key file is made with a
// fresh random key when create is set (the server's first start; Undo
// removes it again), and is an error otherwise.
func LoadKeys(secretKeys, dataDir string, create bool) (*Keys, error) {
	path, err := filepath.Abs(filepath.Join(dataDir, SecretKeyFile))
	if err != nil {
		return nil, err
	}
	k := &Keys{File: path, FromEnv: secretKeys != ""}
	text, source := secretKeys, "BESEDA_SECRET_KEY"
	if !k.FromEnv {
		source = path
		data, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && create:
			data, k.Made, err = newKeyFile(path)
			k.made = data
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("secret key: there is no key file at %s and BESEDA_SECRET_KEY is not set", path)
		}
		if err != nil {
			return nil, fmt.Errorf("secret key file %s: %w", path, unwrapPath(err))
		}
		text = string(data)
	}
	keys, err := parseKeys(text)
	if err != nil {
		return nil, fmt.Errorf("secret key in %s: %w", source, err)
	}
	if k.Ring, err = store.NewKeyring(keys...); err != nil {
		return nil, err
	}
	return k, nil
}

func parseKeys(text string) ([][]byte, error) {
	var keys [][]byte
	for _, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		for _, field := range strings.Split(line, ",") {
			if field = strings.TrimSpace(field); field == "" {
				continue
			}
			key, err := base64.StdEncoding.DecodeString(field)
			if err != nil || len(key) != store.KeySize {
				return nil, fmt.Errorf("each key must be %d bytes in base64 (openssl rand -base64 32)", store.KeySize)
			}
			keys = append(keys, key)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("it holds no key")
	}
	return keys, nil
}

// newKeyFile writes a key file with one random key, readable by its owner
// only. made is false when another process made it first.
func newKeyFile(path string) (data []byte, made bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	key := make([]byte, store.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, false, err
	}
	data = []byte("# Beseda's key for channel and webhook secrets. Keep it, and a copy apart from the database backups.\n" +
		base64.StdEncoding.EncodeToString(key) + "\n")
	// Written whole under another name, then linked into place: a process
	// starting at the same moment never reads a half-written file.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret-*.key")
	if err != nil {
		return nil, false, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, false, err
	}
	if err := tmp.Close(); err != nil {
		return nil, false, err
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		data, err = os.ReadFile(path) // another process made it first
		return data, false, err
	} else if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// Undo removes the key file this start made, when the database turned out
// to be sealed with other keys: a key that opens nothing must not stand
// where the right one belongs.
func (k *Keys) Undo() {
	if !k.Made {
		return
	}
	if data, err := os.ReadFile(k.File); err == nil && string(data) == string(k.made) {
		os.Remove(k.File)
	}
	k.Made = false
}

// Source says where the keys came from, for logs and errors.
func (k *Keys) Source() string {
	switch {
	case k.FromEnv:
		return "BESEDA_SECRET_KEY"
	case k.Made:
		return "the key file " + k.File + ", made now"
	}
	return "the key file " + k.File
}

// Check compares the keys the database's secrets are sealed with (as it
// remembers them) with these. A key missing here is an error that names the
// keys on both sides, where the server looked and the ways out; hint is
// how the `beseda keys` commands name this database ("--db URL").
func (k *Keys) Check(ctx context.Context, db *store.DB, hint string) error {
	needed, err := db.SecretKeyIDs(ctx)
	if err != nil {
		return err
	}
	var missing []string
	for _, id := range needed {
		if !k.Ring.Has(id) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return k.MissingError(missing, needed, hint)
}

// MissingError explains that the database's secrets are sealed with keys
// (missing) this server does not have; needed are all the database uses.
func (k *Keys) MissingError(missing, needed []string, hint string) error {
	var b strings.Builder
	one := len(missing) == 1
	fmt.Fprintf(&b, "the database's secrets are sealed with %s %s, which this server does not have.\n",
		plural(one, "key", "keys"), strings.Join(missing, ", "))
	fmt.Fprintf(&b, "  The database uses:  %s\n", strings.Join(needed, ", "))
	switch {
	case k.FromEnv:
		fmt.Fprintf(&b, "  This server has:    %s, from BESEDA_SECRET_KEY\n", strings.Join(k.Ring.IDs(), ", "))
		fmt.Fprintf(&b, "  It looked in:       BESEDA_SECRET_KEY (while it is set, the key file %s is not read)\n", k.File)
	case k.Made:
		b.WriteString("  This server has:    no key\n")
		fmt.Fprintf(&b, "  It looked in:       BESEDA_SECRET_KEY (not set), then the key file %s (there is none)\n", k.File)
	default:
		fmt.Fprintf(&b, "  This server has:    %s, from the key file\n", strings.Join(k.Ring.IDs(), ", "))
		fmt.Fprintf(&b, "  It looked in:       BESEDA_SECRET_KEY (not set), then the key file %s\n", k.File)
	}
	b.WriteString("Ways out:\n")
	b.WriteString("  - set BESEDA_SECRET_KEY to the keys in base64, the one to seal with first (BESEDA_SECRET_KEY=NEW,OLD)\n")
	fmt.Fprintf(&b, "  - or put the key file that holds %s at %s (or start with --data-dir DIR, DIR holding the key file)\n",
		plural(one, "it", "them"), k.File)
	for _, found := range k.keyFilesHolding(missing) {
		b.WriteString("  - " + found + "\n")
	}
	fmt.Fprintf(&b, "  - or, if %s lost for good: `beseda keys list %s` shows what each key sealed, and\n"+
		"    `beseda keys forget --key-id %s %s` drops those secrets (channel settings, webhook secrets)\n"+
		"    so that the server starts; an owner then enters them again in Settings",
		plural(one, "the key is", "the keys are"), hint, strings.Join(missing, ","), hint)
	return errors.New(b.String())
}

// keyFilesHolding looks for the missing keys in key files this server does
// not read: its own while BESEDA_SECRET_KEY is set, and ./beseda-data's,
// where a PostgreSQL database's data directory was before it had a place
// of its own.
func (k *Keys) keyFilesHolding(missing []string) []string {
	var out []string
	look := func(path, advice string) {
		data, err := os.ReadFile(path)
		if err != nil {
			return
		}
		keys, err := parseKeys(string(data))
		if err != nil {
			return
		}
		var holds []string
		for _, key := range keys {
			if id := store.KeyID(key); slices.Contains(missing, id) {
				holds = append(holds, id)
			}
		}
		if len(holds) > 0 {
			out = append(out, fmt.Sprintf("the key file %s holds %s: %s", path, strings.Join(holds, ", "), advice))
		}
	}
	if k.FromEnv {
		look(k.File, "add its keys to BESEDA_SECRET_KEY, or unset BESEDA_SECRET_KEY to use the file")
	}
	if legacy, err := filepath.Abs(filepath.Join("beseda-data", SecretKeyFile)); err == nil && legacy != k.File {
		look(legacy, "start with --data-dir "+filepath.Dir(legacy)+" (or move that directory to "+filepath.Dir(k.File)+")")
	}
	return out
}

func plural(one bool, singular, several string) string {
	if one {
		return singular
	}
	return several
}

// DBHint is how a command line names a database: --db URL, the URL itself
// unless it holds a password.
func DBHint(dbURL string) string {
	if dbURL == "" {
		dbURL = store.DefaultURL
	}
	if u, err := url.Parse(dbURL); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			return "--db URL"
		}
	}
	if strings.Trim(dbURL, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@") == "" {
		return "--db " + dbURL
	}
	return "--db '" + strings.ReplaceAll(dbURL, "'", `'\''`) + "'"
}

// DefaultDataDir is where the server's files live when --data-dir is not
// given. Beside an SQLite database: beseda-data in its directory. For a
// PostgreSQL database, a directory of its own that does not depend on the
// working directory: systemd's $STATE_DIRECTORY when run as a service with
// StateDirectory=, else $XDG_DATA_HOME/beseda/HOST-DATABASE (by default
// ~/.local/share/beseda/HOST-DATABASE; the port joins HOST when it is not
// 5432).
func DefaultDataDir(dbURL string) (string, error) {
	if dbURL == "" {
		dbURL = store.DefaultURL
	}
	dialect, where, err := store.ParseURL(dbURL)
	if err != nil {
		return "", err
	}
	if dialect == store.SQLite {
		return filepath.Join(filepath.Dir(where), "beseda-data"), nil
	}
	if dir, _, _ := strings.Cut(os.Getenv("STATE_DIRECTORY"), ":"); dir != "" {
		return dir, nil
	}
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil || home == "" {
			return "", errors.New("data directory: give --data-dir (or BESEDA_DATA_DIR): " +
				"for a PostgreSQL database it defaults to $XDG_DATA_HOME/beseda/… or ~/.local/share/beseda/…, and neither $XDG_DATA_HOME nor $HOME is set")
		}
		base = filepath.Join(home, ".local", "share")
	}
	u, err := url.Parse(where)
	if err != nil {
		return "", err
	}
	host, port, db := store.PostgresTarget(u)
	name := host
	if port != "" && port != "5432" {
		name += "-" + port
	}
	return filepath.Join(base, "beseda", safeName(name+"-"+db)), nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// safeName makes a directory name of a host and database ("/var/run/x" → "var_run_x").
func safeName(s string) string {
	return strings.Trim(unsafeName.ReplaceAllString(s, "_"), "_.")
}

// prepareDataDir makes the data directory when it is missing (0700) and
// checks that this user may write in it. made tells whether it was made.
func prepareDataDir(dir string) (abs string, made bool, err error) {
	if abs, err = filepath.Abs(dir); err != nil {
		return "", false, err
	}
	fix := "give --data-dir (or BESEDA_DATA_DIR) a directory this user may write"
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(abs, 0o700); err != nil {
			return "", false, fmt.Errorf("data directory %s: cannot create it: %w; %s", abs, unwrapPath(err), fix)
		}
		made = true
	case err != nil:
		return "", false, fmt.Errorf("data directory %s: %w; %s", abs, unwrapPath(err), fix)
	case !info.IsDir():
		return "", false, fmt.Errorf("data directory %s is not a directory; %s", abs, fix)
	}
	probe, err := os.CreateTemp(abs, ".beseda-write-check-*")
	if err != nil {
		return "", false, fmt.Errorf("data directory %s: this user may not write in it: %w; %s", abs, unwrapPath(err), fix)
	}
	probe.Close()
	os.Remove(probe.Name())
	return abs, made, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
