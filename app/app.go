package app

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/filestore"
	"github.com/beseda/beseda/internal/ratelimit"
	"github.com/beseda/beseda/outbox"
	"github.com/beseda/beseda/store"
)

// Config holds the settings of the use cases. Zero values take defaults.
type Config struct {
	Clock  beseda.Clock
	Random io.Reader // source of tokens and keys; crypto/rand by default
	Logger *slog.Logger

	// BcryptCost is the cost of password hashes (tests lower it).
	BcryptCost int
	// TokenTTL is how long an API token from Login stays valid.
	TokenTTL time.Duration

	// Secret signs rating buttons (R3); one per installation.
	Secret []byte

	// TaskStartDelay is how long after an add a manager's task starts (C2).
	TaskStartDelay time.Duration

	// WidgetSessionsPerMinute limits new web-chat sessions per client
	// address, with as large a burst (H4); 0 means no limit.
	WidgetSessionsPerMinute float64
	// Webhooks posts outgoing webhooks; nil: events are queued, not sent.
	Webhooks WebhookClient
	// Addresses is the address rule of the requests the server makes
	// (internal/netguard): a channel's API address is checked with it when
	// given (the transport checks every connection). Nil: no rule, for
	// tools and tests that build their own use cases.
	Addresses AddressRule
	// OIDCClient makes the requests of single sign-on to providers
	// (discovery, keys, code exchange); nil: a plain client.
	OIDCClient *http.Client

	// Channels are the channel types the server speaks: their settings,
	// limits and windows.
	Channels *beseda.Registry
	// Files keeps uploaded files; nil: uploads fail (tools without a
	// data directory). MaxUploadBytes is the largest file taken,
	// beseda.DefaultMaxUploadBytes when 0.
	Files          *filestore.Dir
	MaxUploadBytes int64

	// FailPoint, when set, is asked at the named steps of work that must
	// survive a crash in the middle ("erase.before_commit",
	// "erase.after_commit", "files.before_remove"); an error it returns
	// stops the work there as a crash would. Tests only.
	FailPoint func(step string) error
	// RetentionBatch bounds the rows one transaction of the retention job
	// removes (0: retentionBatch messages, dialogRetentionBatch dialogs);
	// tests make it small to cross batches.
	RetentionBatch int
}

// App runs the use cases, one service per group of them; the server builds
// it once and its adapters call the services (a.Dialogs.CreateDialog). App
// itself keeps only the wiring and the operator's tools.
type App struct {
	*core

	Automation  *Automation
	Channels    *Channels
	Delivery    *Delivery
	Dialogs     *Dialogs
	Files       *Files
	Inbox       *Inbox
	Messages    *Messages
	Ratings     *Ratings
	Reports     *Reports
	Search      *Search
	Settings    *Settings
	Subscribers *Subscribers
	Tasks       *Tasks
	Users       *Users
	WebChat     *WebChat
	Webhooks    *Webhooks
	SLA         *SLA
	Audit       *Audit
	DataRights  *DataRights
	Tokens      *Tokens
	SignIn      *SignIn
	Routing     *Routing
	Templates   *Templates
}

// Automation runs broadcasts, funnels and smart answers (G1–G3).
type Automation struct{ *core }

// Channels keeps a workspace's channels and their settings.
type Channels struct{ *core }

// Delivery takes what the platforms report about sends (package outbox
// delivers and records them).
type Delivery struct{ *core }

// Dialogs opens dialogs and changes them (C1–C3, S1–S3, L1, L3).
type Dialogs struct{ *core }

// Files takes uploads and serves attachments.
type Files struct{ *core }

// Inbox takes what the channels receive: messages, files and button clicks.
type Inbox struct{ *core }

// Messages reads and writes the general chat and the dialogs (W1–W5).
type Messages struct{ *core }

// Ratings sends the rating form and takes the client's click (R1–R3), and
// keeps the standard messages.
type Ratings struct{ *core }

// Reports counts the dialogs (R4, L2).
type Reports struct{ *core }

// Settings keeps the catalogs (types, reasons, components) and saved replies.
type Settings struct{ *core }

// Subscribers lists clients and their chats.
type Subscribers struct{ *core }

// Tasks starts managers' tasks and tells them (C2, S3).
type Tasks struct{ *core }

// Users signs managers in and keeps the users and workspaces (P1–P3, H4).
type Users struct{ *core }

// WebChat starts and serves the visitors of the web chat.
type WebChat struct{ *core }

// Templates keeps the platforms' message templates of each channel, synced
// from the platform, and sends them when a client's window is closed.
type Templates struct{ *core }

// Webhooks keeps the outgoing webhooks and delivers their events.
type Webhooks struct{ *core }

// core is what every service shares: the store, the clock, the
// configuration, the in-memory state, and the helpers more than one use case
// needs. Its app reaches the other services.
type core struct {
	app    *App
	db     *store.DB
	clock  beseda.Clock
	random io.Reader
	log    *slog.Logger
	cfg    Config
	jobs   Jobs
	out    *outbox.Outbox[*store.Tx] // produces outgoing messages
	kick   func()                    // wakes the live hub after a commit

	// In memory per process (H4): failed sign-ins per client address, and
	// new web-chat sessions per address. Failures per account are stored.
	loginAddrs     *ratelimit.Window
	widgetSessions *ratelimit.Buckets
	widgetUploads  *ratelimit.Buckets

	hooks webhooks
	files *filestore.Dir

	sessions sessionCache // tokens lately checked (Authenticate)

	dummyOnce sync.Once
	dummy     []byte // see dummyHash
}

// New returns the use cases working on db.
func New(db *store.DB, cfg Config) *App {
	if cfg.Clock == nil {
		cfg.Clock = beseda.SystemClock{}
	}
	if cfg.Random == nil {
		cfg.Random = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = bcrypt.DefaultCost
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 30 * 24 * time.Hour
	}
	if cfg.Channels == nil {
		cfg.Channels = beseda.NewRegistry()
	}
	if cfg.TaskStartDelay == 0 {
		cfg.TaskStartDelay = DefaultTaskStartDelay
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = beseda.DefaultMaxUploadBytes
	}
	c := &core{db: db, clock: cfg.Clock, random: cfg.Random, log: cfg.Logger, cfg: cfg, files: cfg.Files,
		loginAddrs:    &ratelimit.Window{Max: beseda.LoginFailuresPerAddress, Length: beseda.LoginFailureWindow},
		widgetUploads: &ratelimit.Buckets{PerMinute: beseda.WidgetUploadsPerMinute, Burst: beseda.WidgetUploadsPerMinute}}
	if cfg.WidgetSessionsPerMinute > 0 {
		c.widgetSessions = &ratelimit.Buckets{PerMinute: cfg.WidgetSessionsPerMinute, Burst: max(cfg.WidgetSessionsPerMinute, 1)}
	}
	a := &App{core: c, Automation: &Automation{c}, Channels: &Channels{c}, Delivery: &Delivery{c},
		Dialogs: &Dialogs{c}, Files: &Files{c}, Inbox: &Inbox{c}, Messages: &Messages{c}, Ratings: &Ratings{c},
		Reports: &Reports{c}, Search: &Search{c}, Settings: &Settings{c}, Subscribers: &Subscribers{c}, Tasks: &Tasks{c},
		Users: &Users{c}, WebChat: &WebChat{c}, Webhooks: &Webhooks{c}, SLA: &SLA{c}, Tokens: &Tokens{c}, SignIn: &SignIn{c},
		Audit: &Audit{c}, DataRights: &DataRights{c}, Routing: &Routing{core: c}, Templates: &Templates{c}}
	c.app = a
	c.out = outbox.NewOutbox[*store.Tx](cfg.Channels, cfg.Clock, cfg.Logger, outboxEvents{c})
	return a
}

// DB returns the store the use cases work on.
func (a *App) DB() *store.DB { return a.db }

// Registry returns the channel types the server speaks.
func (a *App) Registry() *beseda.Registry { return a.cfg.Channels }

// textLimit is the longest text a client of the kind of channel can get.
func (a *core) textLimit(kind beseda.ChannelKind) beseda.TextLimit {
	return a.cfg.Channels.Of(kind).TextLimit()
}

// now is the current time, to the millisecond the store keeps.
func (a *core) now() time.Time { return a.clock.Now().UTC().Truncate(time.Millisecond) }

// newToken returns a fresh unguessable token and the hash under which it is
// stored: a stolen database does not reveal usable tokens.
func (a *core) newToken() (token string, hash []byte) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(a.random, b); err != nil {
		panic("beseda: random source failed: " + err.Error())
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

// newKey returns a short unguessable public key (channel keys, external ids).
func (a *core) newKey() string {
	b := make([]byte, 12)
	if _, err := io.ReadFull(a.random, b); err != nil {
		panic("beseda: random source failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
