// PII redaction: e-mail addresses, public IP addresses and phone numbers are replaced by
// placeholders. Hand-written scanners (no regex backtracking; linear time).
//
// What counts:
//   - e-mail: local@domain.tld with an ASCII local part [A-Za-z0-9._%+-] (no leading, trailing
//     or double dot) and a domain of dot-separated labels [A-Za-z0-9-] ending in a letter-only
//     TLD of 2..24 letters.
//   - IPv4: four dot-separated decimal octets 0..255 without leading zeros, not glued to other
//     digits, letters or dots (so "1.2.3.4.5" and "v1.2.3.4" are not addresses), not right
//     after "version"/"versi"/"ver."/currency signs. Only public addresses are replaced: private
//     (10/8, 172.16/12, 192.168/16), loopback (127/8), link-local (169.254/16), documentation
//     (192.0.2/24, 198.51.100/24, 203.0.113/24) and other special ranges (0/8, 100.64/10,
//     198.18/15, 224/4 multicast, 240/4 reserved incl. broadcast) are kept.
//   - IPv6: a colon-hex run that parses as IPv6 (inet_pton) with at least two colons; replaced
//     when global unicast (2000::/3) and not documentation (2001:db8::/32).
//   - phone: international "+<country code> ..." with 8..15 digits in groups separated by single
//     spaces, hyphens or dots (dots only with 3+ groups) and an optional "(0)"/"(area)" group;
//     Indonesian mobile "08xx..." (10..13 digits, groups separated by space/hyphen/dot);
//     Indonesian landline with area code "(0xx) nnn-nnnn", "(0xx) nnnnnnn" and "0xx-nnnnnnn".
//   Dates, prices, version numbers, ISBNs and coordinates are not matched (tests).
#ifndef KILANG_FILTER_PII_H_
#define KILANG_FILTER_PII_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "kilang/pipeline/stage.h"
#include "kilang/util/status.h"

namespace kilang {

struct PiiOptions {
  bool emails = true;
  bool ips = true;
  bool phones = true;
  std::string email_placeholder = "email@example.com";
  std::string ipv4_placeholder = "192.0.2.1";    // a documentation address: never re-matched
  std::string ipv6_placeholder = "2001:db8::1";  // likewise
  std::string phone_placeholder = "<PHONE>";
  // Add the counts to metadata.extra as "pii_email", "pii_ip", "pii_phone" (only when > 0).
  bool report_counts = true;
};

struct PiiCounts {
  size_t emails = 0;
  size_t ips = 0;  // IPv4 + IPv6
  size_t phones = 0;
  size_t total() const { return emails + ips + phones; }
};

// Redacts `text` into `*out` (replacing its contents). Pure, thread-safe. Invalid UTF-8 is copied
// through unchanged.
PiiCounts RedactPii(std::string_view text, const PiiOptions& options, std::string* out);

// Reads the counts the stage wrote into metadata.extra (0 for absent keys). For the pipeline's
// stats.json.
PiiCounts PiiCountsFromMetadata(const Document& doc);

// Stage `pii`: redacts doc.text in place; always keeps the document.
Result<std::unique_ptr<DocumentStage>> MakePiiStage(const PiiOptions& options);

}  // namespace kilang

#endif  // KILANG_FILTER_PII_H_
