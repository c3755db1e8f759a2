package match

import (
	"context"

	"golang.org/x/text/language"
)

// Language is the language reasons are written in.
type Language string

// The languages reasons are available in. Chinese is the default.
const (
	Chinese Language = "zh"
	English Language = "en"
)

// supported lists the tags the matcher chooses from, the default first.
var (
	supported = []language.Tag{language.Chinese, language.English}
	matcher   = language.NewMatcher(supported)
)

// LanguageFromAcceptLanguage picks Chinese or English for an HTTP
// Accept-Language header value; Chinese when the header is empty, malformed
// or names neither.
func LanguageFromAcceptLanguage(header string) Language {
	if header == "" {
		return Chinese
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return Chinese
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No || i == 0 {
		return Chinese
	}
	return English
}

type languageKey struct{}

// WithLanguage returns ctx carrying the language reasons should be written in.
// The HTTP layer sets it from Accept-Language.
func WithLanguage(ctx context.Context, lang Language) context.Context {
	return context.WithValue(ctx, languageKey{}, lang)
}

// LanguageFrom returns the language set by WithLanguage, Chinese by default.
func LanguageFrom(ctx context.Context) Language {
	if l, ok := ctx.Value(languageKey{}).(Language); ok && l == English {
		return English
	}
	return Chinese
}
