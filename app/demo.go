package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// Demo accounts seeded by SeedDemo (SPEC §3).
const (
	DemoOwnerEmail   = "admin@example.com"
	DemoManagerEmail = "manager@example.com"
	DemoPassword     = "demo"
)

// seedClock is the time of the demo's story: SeedDemo moves it through the
// last 90 days so that every record has a realistic date.
type seedClock struct{ t time.Time }

func (c *seedClock) Now() time.Time { return c.t }

// At is never waited on: seeding sends nothing that waits.
func (c *seedClock) At(time.Time) <-chan time.Time { return nil }

// SeedDemo fills an empty database with a workspace to try Beseda with: an
// owner and a manager (password "demo"), the web-chat channel, reasons and
// components, saved replies, a few clients with history, and 90 days of
// dialogs — created, paused, completed and rated at realistic times before
// the clock's now — so that the report's charts and averages show something
// real. It does nothing if the database already holds a workspace.
//
// The seed is one transaction: it is all there or, when anything fails,
// nothing is, and the next start seeds again. It is the product's own story,
// not visitors': the web chat's limit of new sessions per address does not
// apply, and the use cases' log lines go to DEBUG (one INFO line says it is
// done).
func (a *App) SeedDemo(ctx context.Context) error {
	n, err := a.db.CountWorkspaces(ctx)
	if err != nil || n > 0 {
		return err
	}
	// Seeding runs before the server serves or runs jobs, so nothing else
	// uses the App meanwhile; what it changes is put back.
	db, clock, log, sessions := a.db, a.clock, a.log, a.widgetSessions
	defer func() { a.db, a.clock, a.log, a.widgetSessions = db, clock, log, sessions }()
	a.log, a.widgetSessions = slog.New(demoted{log.Handler()}), nil
	var workspace int64
	err = db.Update(ctx, func(tx *store.Tx) error {
		a.db = tx.Within(db)
		var err error
		workspace, err = a.seedDemo(ctx)
		return err
	})
	if err != nil {
		// Another process on the same PostgreSQL may have seeded it first.
		if n, cerr := db.CountWorkspaces(ctx); cerr == nil && n > 0 {
			return nil
		}
		return fmt.Errorf("seed demo: %w (nothing of the demo was stored)", err)
	}
	log.Info("demo data seeded", "workspace", workspace)
	return nil
}

// demoted passes log records below WARN on at DEBUG.
type demoted struct{ slog.Handler }

func (d demoted) Enabled(ctx context.Context, l slog.Level) bool {
	if l >= slog.LevelWarn {
		return d.Handler.Enabled(ctx, l)
	}
	return d.Handler.Enabled(ctx, slog.LevelDebug)
}

func (d demoted) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		r.Level = slog.LevelDebug
		if !d.Handler.Enabled(ctx, r.Level) {
			return nil
		}
	}
	return d.Handler.Handle(ctx, r)
}

func (d demoted) WithAttrs(as []slog.Attr) slog.Handler { return demoted{d.Handler.WithAttrs(as)} }
func (d demoted) WithGroup(name string) slog.Handler    { return demoted{d.Handler.WithGroup(name)} }

// demoReplies are the demo's saved replies ("/" in a composer). Their
// names sort after those the console's tests and screenshots add.
var demoReplies = []beseda.SavedReplyCreate{
	{Name: "screenshot", Text: "Could you send me a screenshot of what you see, and the address of the page?"},
	{Name: "thanks", Text: "Thank you for writing to us! Let me look into it."},
	{Name: "update-soon", Text: "We are still on it; I will write as soon as I know more."},
}

// seedDemo tells the demo's story; SeedDemo runs it in one transaction.
func (a *App) seedDemo(ctx context.Context) (int64, error) {
	// The story is told on a clock of its own, set before each step.
	real := a.clock
	now := real.Now().UTC().Truncate(time.Minute)
	clock := &seedClock{t: now.Add(-91 * 24 * time.Hour)}
	a.clock = clock
	at := func(t time.Time) { clock.t = t }
	_, owner, err := a.Users.CreateWorkspace(ctx, beseda.WorkspaceCreate{Name: "Demo Shop", Locale: beseda.LocaleEN,
		OwnerEmail: DemoOwnerEmail, OwnerName: "Alice Owner", OwnerPassword: DemoPassword})
	if err != nil {
		return 0, err
	}
	for _, r := range demoReplies {
		if _, err := a.Settings.CreateSavedReply(ctx, owner, r); err != nil {
			return 0, err
		}
	}
	// The demo password is shorter than the API allows, so the manager is
	// stored directly.
	hash, err := a.hashPassword(DemoPassword)
	if err != nil {
		return 0, err
	}
	manager := &beseda.User{WorkspaceID: owner.WorkspaceID, Email: DemoManagerEmail, Name: "Max Manager",
		Role: beseda.RoleManager, Permissions: []beseda.Permission{}, CreatedAt: a.now()}
	if err := a.db.Update(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, manager, hash) }); err != nil {
		return 0, err
	}

	var reasons, components []int64
	for _, name := range []string{"Misunderstood a feature", "Feature limitation", "Billing question"} {
		it, err := a.Settings.AddCatalogItem(ctx, owner, beseda.CatalogReasons, name)
		if err != nil {
			return 0, err
		}
		reasons = append(reasons, it.ID)
	}
	for _, name := range []string{"Lead generation tools", "Funnels", "Broadcasts"} {
		it, err := a.Settings.AddCatalogItem(ctx, owner, beseda.CatalogComponents, name)
		if err != nil {
			return 0, err
		}
		components = append(components, it.ID)
	}
	types, err := a.Settings.ListCatalog(ctx, owner, beseda.CatalogTypes)
	if err != nil {
		return 0, err
	}
	channels, err := a.Channels.ListChannels(ctx, owner)
	if err != nil {
		return 0, err
	}
	web := channels[0]

	clients := []struct {
		name     string
		messages []string
	}{
		{"Anna Petrova", []string{"Hi! The lead form on my landing page stopped sending leads.", "It worked yesterday."}},
		{"Boris Ivanov", []string{"How do I add a delay between funnel steps?"}},
		{"Chen Wei", []string{"Can I get a refund for last month?"}},
		{"Dana Smith", []string{"Hello, is anyone there?"}},
	}
	if err := a.seedHistory(ctx, owner, manager, web, types, reasons, components, now, at); err != nil {
		return 0, err
	}
	// The four clients of the walk-through write last, in the working hours
	// of a day or two ago, two hours apart.
	morning := now.Add(-30 * time.Hour).Truncate(24 * time.Hour).Add(7 * time.Hour)
	at(morning)
	var subs []*beseda.Subscriber
	for _, c := range clients {
		at(clock.t.Add(2 * time.Hour))
		_, sub, err := a.WebChat.StartVisitor(ctx, web.Key, c.name, "", netip.Addr{})
		if err != nil {
			return 0, err
		}
		for _, text := range c.messages {
			at(clock.t.Add(time.Minute))
			if _, err := a.Messages.ReceiveMessage(ctx, sub, Inbound{Text: text}); err != nil {
				return 0, err
			}
		}
		subs = append(subs, sub)
	}

	// Boris's question was answered in the general chat.
	at(now.Add(-28 * time.Hour))
	if _, err := a.Messages.PostChatMessage(ctx, owner, subs[1].ID, beseda.MessageInput{Text: "Open the funnel, pick a step and set its delay in the step settings."}); err != nil {
		return 0, err
	}
	// Chen's refund went through a dialog that is completed and rated.
	at(now.Add(-20 * time.Hour))
	d, err := a.Dialogs.CreateDialog(ctx, owner, beseda.DialogCreate{SubscriberID: subs[2].ID, Title: "Refund for October",
		TypeID: types[len(types)-1].ID, ReasonIDs: reasons[2:3], ComponentIDs: components[2:3]})
	if err != nil {
		return 0, err
	}
	at(now.Add(-19*time.Hour - 40*time.Minute))
	if _, err := a.Messages.PostDialogMessage(ctx, owner, d.ID, beseda.MessageInput{Text: "Your refund is on its way; it takes 3–5 business days."}); err != nil {
		return 0, err
	}
	at(now.Add(-18 * time.Hour))
	completed, rating, form := beseda.DialogCompleted, 3, true
	if _, err := a.Dialogs.UpdateDialog(ctx, owner, d.ID, beseda.DialogUpdate{Status: &completed, AccountRating: &rating,
		SendRatingForm: &form}); err != nil {
		return 0, err
	}
	// Chen taps "Excellent" on the rating form.
	msgs, err := a.WebChat.VisitorMessages(ctx, subs[2], 0, false, 50)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		if len(m.Buttons) == 3 {
			if _, err := a.Inbox.ReceivePostback(ctx, subs[2], m.Buttons[2].Payload, ""); err != nil {
				return 0, err
			}
		}
	}
	// Anna's broken lead form is being handled right now, with the manager.
	at(now.Add(-70 * time.Minute))
	d, err = a.Dialogs.CreateDialog(ctx, owner, beseda.DialogCreate{SubscriberID: subs[0].ID, Title: "Lead form stopped sending leads",
		TypeID: types[0].ID, ReasonIDs: reasons[1:2], ComponentIDs: components[0:1], ParticipantIDs: []int64{manager.ID}})
	if err != nil {
		return 0, err
	}
	at(now.Add(-65 * time.Minute))
	if _, err := a.Messages.PostDialogMessage(ctx, owner, d.ID, beseda.MessageInput{Text: "Hi Anna, I'm looking into it. Which page is it?"}); err != nil {
		return 0, err
	}
	at(now.Add(-62 * time.Minute))
	if err := a.demoScreenshot(ctx, subs[0]); err != nil {
		return 0, err
	}
	at(now.Add(-60 * time.Minute))
	if _, err := a.Messages.PostDialogMessage(ctx, manager, d.ID, beseda.MessageInput{Text: "I see the form's webhook failing since yesterday; checking the logs."}); err != nil {
		return 0, err
	}
	at(now.Add(-55 * time.Minute))
	if _, err := a.Messages.PostDialogMessage(ctx, manager, d.ID, beseda.MessageInput{Internal: true,
		Text: "The webhook answers 500 since the CRM's certificate expired; I asked their admin."}); err != nil {
		return 0, err
	}
	return owner.WorkspaceID, nil
}

// demoTopics are what the demo's past clients asked about: the first
// message, the dialog's title, the type (0 Support, 1 Refund), a reason and
// a component.
var demoTopics = []struct {
	ask, title     string
	typ, why, part int
}{
	{"My funnel stopped after the second step.", "Funnel stops after step 2", 0, 0, 1},
	{"Leads from the form do not reach my CRM.", "Leads not reaching the CRM", 0, 1, 0},
	{"I was charged twice this month.", "Double charge", 1, 2, 2},
	{"How do I exclude clients who bought from a broadcast?", "Excluding buyers from a broadcast", 0, 0, 2},
	{"The broadcast went out at the wrong time.", "Broadcast sent at the wrong time", 0, 1, 2},
	{"Please refund the unused part of my plan.", "Refund of the unused plan", 1, 2, 0},
	{"Can a funnel wait for a client's answer?", "Funnel waiting for an answer", 0, 1, 1},
	{"The lead form shows an error on mobile.", "Lead form error on mobile", 0, 1, 0},
}

var demoFirstNames = []string{"Olga", "Ivan", "Maria", "Pavel", "Elena", "Sergey", "Nina", "Oleg", "Sofia", "Artem",
	"Lucas", "Emma", "Noah", "Mia", "Leo", "Ava", "Ravi", "Yuki", "Omar", "Lena"}
var demoLastNames = []string{"K.", "M.", "S.", "T.", "V.", "R.", "B.", "L."}

// seedHistory tells 90 days of support: clients write in working hours,
// managers open dialogs, most are completed within hours or days and rated
// by both sides; a few are paused, two are still active. The demo manager
// takes part in many, and the owner in some the manager opened, so both have
// tasks and notifications. Randomness is seeded: every demo is the same.
func (a *App) seedHistory(ctx context.Context, owner, manager *beseda.User, web *beseda.Channel, types []*beseda.CatalogItem,
	reasons, components []int64, now time.Time, at func(time.Time)) error {
	rnd := rand.New(rand.NewPCG(2026, 11))
	const clients = 72
	// Days ago, busier lately and on weekdays; oldest first, so that ids
	// follow time.
	days := make([]int, clients)
	for i := range days {
		for {
			days[i] = 2 + int(math.Pow(rnd.Float64(), 1.4)*88)
			wd := now.AddDate(0, 0, -days[i]).Weekday()
			if (wd != time.Saturday && wd != time.Sunday) || rnd.IntN(4) == 0 {
				break
			}
		}
	}
	slices.Sort(days)
	slices.Reverse(days)
	for i := range clients {
		start := time.Date(now.Year(), now.Month(), now.Day(), 9+rnd.IntN(9), rnd.IntN(60), 0, 0, time.UTC).AddDate(0, 0, -days[i])
		topic := demoTopics[rnd.IntN(len(demoTopics))]
		name := demoFirstNames[i%len(demoFirstNames)] + " " + demoLastNames[(i/len(demoFirstNames)+i)%len(demoLastNames)]
		at(start)
		_, sub, err := a.WebChat.StartVisitor(ctx, web.Key, name, "", netip.Addr{})
		if err != nil {
			return err
		}
		if _, err := a.Messages.ReceiveMessage(ctx, sub, Inbound{Text: topic.ask}); err != nil {
			return err
		}
		// Who opens it, and with whom.
		creator, others := owner, []int64{manager.ID}
		if i%3 == 1 {
			creator, others = manager, []int64{owner.ID}
		} else if i%4 == 0 {
			others = nil
		}
		t := start.Add(time.Duration(5+rnd.IntN(40)) * time.Minute)
		at(t)
		typ := types[min(topic.typ, len(types)-1)]
		d, err := a.Dialogs.CreateDialog(ctx, creator, beseda.DialogCreate{SubscriberID: sub.ID, Title: topic.title, TypeID: typ.ID,
			ReasonIDs: reasons[topic.why : topic.why+1], ComponentIDs: components[topic.part : topic.part+1], ParticipantIDs: others})
		if err != nil {
			return err
		}
		at(t.Add(3 * time.Minute))
		if _, err := a.Messages.PostDialogMessage(ctx, creator, d.ID, beseda.MessageInput{Text: "Hello " + sub.Name + ", thank you for writing. Let me check."}); err != nil {
			return err
		}
		at(t.Add(20 * time.Minute))
		if _, err := a.Messages.ReceiveMessage(ctx, sub, Inbound{Text: "Thank you, I'll wait."}); err != nil {
			return err
		}
		if err := a.Subscribers.MarkChatRead(ctx, creator, sub.ID); err != nil {
			return err
		}
		switch {
		case i == clients-1 || i == clients-4:
			continue // still active
		case i == clients-2 || i == clients-6 || i == clients-9:
			at(t.Add(40 * time.Minute))
			paused := beseda.DialogPaused
			if _, err := a.Dialogs.UpdateDialog(ctx, creator, d.ID, beseda.DialogUpdate{Status: &paused}); err != nil {
				return err
			}
			continue
		}
		// Completed after 15 minutes to two days, mostly within hours.
		took := time.Duration(15+rnd.IntN(240)) * time.Minute
		if rnd.IntN(4) == 0 {
			took = time.Duration(6+rnd.IntN(42)) * time.Hour
		}
		done := t.Add(took)
		if done.After(now) {
			done = now.Add(-time.Minute)
		}
		at(done.Add(-2 * time.Minute))
		if _, err := a.Messages.PostDialogMessage(ctx, creator, d.ID, beseda.MessageInput{Text: "It is fixed now. Anything else I can help with?"}); err != nil {
			return err
		}
		at(done)
		status, form := beseda.DialogCompleted, rnd.IntN(5) > 0
		upd := beseda.DialogUpdate{Status: &status, SendRatingForm: &form}
		if rnd.IntN(5) > 0 {
			rating := 1 + rnd.IntN(3)
			if rating == 1 && rnd.IntN(2) == 0 {
				rating = 3 // most clients are fine
			}
			upd.AccountRating = &rating
		}
		if _, err := a.Dialogs.UpdateDialog(ctx, creator, d.ID, upd); err != nil {
			return err
		}
		if !form || rnd.IntN(4) == 0 {
			continue // no form, or the client did not answer it
		}
		at(done.Add(time.Duration(2+rnd.IntN(60)) * time.Minute))
		msgs, err := a.WebChat.VisitorMessages(ctx, sub, 0, false, 50)
		if err != nil {
			return err
		}
		pick := []int{2, 2, 2, 1, 1, 0}[rnd.IntN(6)]
		for _, m := range msgs {
			if len(m.Buttons) == 3 {
				if _, err := a.Inbox.ReceivePostback(ctx, sub, m.Buttons[pick].Payload, ""); err != nil {
					return err
				}
			}
		}
	}
	// Both have read what came before the last few days.
	at(now.Add(-4 * 24 * time.Hour))
	for _, u := range []*beseda.User{owner, manager} {
		if err := a.Tasks.MarkNotificationRead(ctx, u, 0); err != nil {
			return err
		}
	}
	return nil
}

// demoScreenshot has a client send a picture of their broken form: a light
// page with two fields and a red error bar, drawn here.
func (a *App) demoScreenshot(ctx context.Context, sub *beseda.Subscriber) error {
	if a.files == nil {
		return nil // a tool without a data directory: no files in its demo
	}
	img := image.NewRGBA(image.Rect(0, 0, 480, 300))
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		draw.Draw(img, image.Rect(x0, y0, x1, y1), &image.Uniform{C: c}, image.Point{}, draw.Src)
	}
	fill(0, 0, 480, 300, color.RGBA{244, 246, 249, 255})
	fill(40, 30, 440, 270, color.RGBA{255, 255, 255, 255})
	fill(70, 60, 410, 95, color.RGBA{225, 230, 238, 255})
	fill(70, 115, 410, 150, color.RGBA{225, 230, 238, 255})
	fill(70, 175, 220, 210, color.RGBA{47, 98, 224, 255})
	fill(70, 225, 410, 250, color.RGBA{253, 232, 230, 255})
	fill(70, 225, 76, 250, color.RGBA{179, 38, 30, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	up, err := a.Files.VisitorUpload(ctx, sub, netip.Addr{}, "lead-form.png", &buf)
	if err != nil {
		return err
	}
	_, err = a.Messages.ReceiveMessage(ctx, sub, Inbound{Text: "This is what I see after sending the form.", AttachmentIDs: []int64{up.ID}})
	return err
}

// DemoChannels returns the channels of the demo's workspace, for the start
// banner of `serve --demo`; nobody signs in for it. Returns ENOTFOUND when
// the database has no demo owner (it was seeded otherwise).
func (a *App) DemoChannels(ctx context.Context) ([]*beseda.Channel, error) {
	owner, _, err := a.db.FindUserCredentials(ctx, DemoOwnerEmail)
	if err != nil {
		return nil, err
	}
	return a.db.FindChannels(ctx, owner.WorkspaceID)
}
