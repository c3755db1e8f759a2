package uscc

import (
	"errors"
	"strings"
	"testing"
)

// publishedCodes are real codes published online, taken from the test
// corpus of python-stdnum (tests/test_cn_uscc.doctest, "found online").
// Each passes both the overall check character and the GB 11714
// organization-code check at position 17 in this implementation, which is
// how we know the two checks are implemented as the registries apply them
// (including the MA... codes issued after 2015 and sole traders, type 2).
// 913304007429141869 was registered in Jiaxing (330400).
var publishedCodes = []string{
	"121200004013590816",
	"91110000600037341L",
	"91110000710926094P",
	"91120224064012553U",
	"911522010783710635",
	"91152201078371135X",
	"9115220107837757XE",
	"9115220107837941X1",
	"91310000631696382C",
	"91310000797046224D",
	"91310115MA1K3BTP2B",
	"9131012056010553X5",
	"91320214745555318W",
	"913205056082348768",
	"913304007429141869",
	"91340600MA2PBM9HXD",
	"91340603MA2UJXXCXF",
	"91420684MA4927PJ7B",
	"91440300568520498A",
	"9144030071526726XG",
	"9144060573144633XL",
	"91620105L015101280",
	"91620105MA71T4YW8Q",
	"92340602MA2PBMEM24",
	"92340603MA2UK2ECXU",
	"92340621MA2UK3PJXE",
}

func TestValidatePublishedCodes(t *testing.T) {
	for _, c := range publishedCodes {
		if err := Validate(c); err != nil {
			t.Errorf("Validate(%s) = %v, want nil", c, err)
		}
		want := c[17]
		got, err := CheckDigit(c[:17])
		if err != nil || got != want {
			t.Errorf("CheckDigit(%s) = %q, %v; want %q", c[:17], got, err, want)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name, code string
		position   int
		mention    string
	}{
		{"empty", "", 0, "must be 18 characters, got 0"},
		{"too short", "91110000600037341", 0, "got 17"},
		{"too long", "91110000600037341LL", 0, "got 19"},
		{"lower case", "91110000600037341l", 18, "not allowed"},
		{"letter I", "9111000060003734IL", 17, "not allowed"},
		{"letter O", "911100006O0037341L", 10, "not allowed"},
		{"letter S", "91110000S00037341L", 9, "not allowed"},
		{"letter V", "9V110000600037341L", 2, "not allowed"},
		{"letter Z", "91110000600037341Z", 18, "not allowed"},
		{"space", "91110000 00037341L", 9, "not allowed"},
		{"full-width digits", "９１１１００００６０００３７３４１Ｌ", 0, "ASCII"},
		{"unknown authority", "B1110000600037341L", 1, "registration-authority"},
		{"letter in division", "911A0000600037341L", 4, "division"},
		{"bad organization check", "91110000600037342L", 17, "expected '1'"},
		{"bad check character", "91110000600037341N", 18, "expected 'L'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.code)
			var ue *Error
			if !errors.As(err, &ue) {
				t.Fatalf("Validate(%q) = %v, want *Error", tt.code, err)
			}
			if ue.Position != tt.position {
				t.Errorf("position = %d, want %d (%v)", ue.Position, tt.position, err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
		})
	}
}

func TestCheckDigitRejectsBadInput(t *testing.T) {
	if _, err := CheckDigit("9111"); err == nil {
		t.Error("CheckDigit of 4 characters succeeded")
	}
	if _, err := CheckDigit("9111000060003734I"); err == nil {
		t.Error("CheckDigit with an I succeeded")
	}
}

func TestMake(t *testing.T) {
	seen := map[string]bool{}
	for _, div := range []string{"330402", "330483", "510100", "440300"} {
		for serial := uint64(0); serial < 2000; serial += 7 {
			c, err := Make(div, serial*104729)
			if err != nil {
				t.Fatalf("Make(%s, %d): %v", div, serial, err)
			}
			if err := Validate(c); err != nil {
				t.Fatalf("Make(%s, %d) = %s, invalid: %v", div, serial, c, err)
			}
			if c[2:8] != div {
				t.Fatalf("Make(%s) = %s, wrong division", div, c)
			}
			if seen[c] {
				t.Fatalf("Make produced %s twice", c)
			}
			seen[c] = true
		}
	}
	if _, err := Make("3304", 1); err == nil {
		t.Error("Make with a 4-digit division succeeded")
	}
	if _, err := Make("33040A", 1); err == nil {
		t.Error("Make with a letter in the division succeeded")
	}
	if _, err := Make("330402", 1<<62); err == nil {
		t.Error("Make with a huge serial succeeded")
	}
}

func TestNormalize(t *testing.T) {
	if got := Normalize("  91110000600037341l\n"); got != "91110000600037341L" {
		t.Errorf("Normalize = %q", got)
	}
}

// FuzzValidate checks that Validate never panics, that a code completed
// with CheckDigit (and a correct organization check) validates, and that
// any single-character change of a valid code is rejected: both check
// characters together catch every single substitution.
func FuzzValidate(f *testing.F) {
	for _, c := range publishedCodes {
		f.Add(c, uint8(3), uint8(7))
	}
	f.Add("", uint8(0), uint8(0))
	f.Add("9111000060003IOZSV", uint8(17), uint8(1))
	f.Fuzz(func(t *testing.T, s string, pos, delta uint8) {
		_ = Validate(s) // must not panic on anything
		if len(s) < 17 {
			return
		}
		// Build a valid code from s's first 17 bytes mapped into the alphabet.
		b := []byte(s[:17])
		for i := range b {
			b[i] = Alphabet[int(b[i])%len(Alphabet)]
		}
		b[0] = '9'
		for i := 2; i < 8; i++ {
			b[i] = '0' + b[i]%10
		}
		b[16] = orgCheck(string(b[8:16]))
		check, err := CheckDigit(string(b))
		if err != nil {
			t.Fatalf("CheckDigit(%s): %v", b, err)
		}
		code := string(b) + string(check)
		if err := Validate(code); err != nil {
			t.Fatalf("Validate(%s) = %v for a code completed by CheckDigit", code, err)
		}
		// Change one character to another alphabet character.
		i := int(pos) % Length
		v := value(code[i])
		nv := (v + 1 + int(delta)%(len(Alphabet)-1)) % len(Alphabet)
		mutated := []byte(code)
		mutated[i] = Alphabet[nv]
		if err := Validate(string(mutated)); err == nil {
			t.Fatalf("Validate(%s) accepted a one-character change of %s at position %d", mutated, code, i+1)
		}
	})
}
