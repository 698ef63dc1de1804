package beseda

import (
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestStem_CacheGivesTheStemmersAnswer: a stem from the cache is the one the
// stemmer gives, the first time and the next.
func TestStem_CacheGivesTheStemmersAnswer(t *testing.T) {
	for _, w := range []string{"refunded", "refunds", "оплатил", "оплаты", "доставка", "order1234", "ёжик", "the", "running"} {
		w = foldWord(w)
		want := stemWord(w)
		for i := range 2 {
			if got := Stem(w); got != want {
				t.Errorf("Stem(%q), call %d: %q, want %q", w, i+1, got, want)
			}
		}
	}
}

// TestStem_CacheIsBoundedAndKeepsWordsInUse: however many words pass, the
// cache holds at most two generations, a word asked for all along stays,
// and it keeps copies, not the texts the words were cut from.
func TestStem_CacheIsBoundedAndKeepsWordsInUse(t *testing.T) {
	c := stemCache{now: map[string]string{}}
	c.put("refund", "refund")
	for i := range 5 * stemCacheWords {
		w := "w" + strconv.Itoa(i)
		c.put(w, w)
		if i%1000 == 0 {
			if _, ok := c.get("refund"); !ok {
				t.Fatalf("a word in use was dropped after %d others", i)
			}
		}
	}
	if n := len(c.now) + len(c.old); n > 2*stemCacheWords {
		t.Errorf("the cache holds %d words, want at most %d", n, 2*stemCacheWords)
	}
	text := strings.Repeat("x", 1000) + " walrus"
	word := text[len(text)-6:]
	c.put(word, word)
	for k, v := range c.now {
		if k == "walrus" && (unsafe.StringData(k) == unsafe.StringData(word) || unsafe.StringData(v) == unsafe.StringData(word)) {
			t.Errorf("the cache keeps the text the word was cut from")
		}
	}
}
