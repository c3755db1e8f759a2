package uscc

import "testing"

// BenchmarkValidate checks published codes (both check characters); every
// write and every `enterprise(uscc:)` lookup pays this.
func BenchmarkValidate(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := Validate(publishedCodes[i%len(publishedCodes)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkNormalize is the clean-up of user input before validation.
func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Normalize(" 91310115ma1k3btp2b ")
	}
}

// BenchmarkMake generates a valid code, as the demo generator does per firm.
func BenchmarkMake(b *testing.B) {
	b.ReportAllocs()
	var n uint64
	for b.Loop() {
		if _, err := Make("330402", n); err != nil {
			b.Fatal(err)
		}
		n++
	}
}
