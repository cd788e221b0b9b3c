#include "kilang/extract/extractor.h"

#include <gtest/gtest.h>

#include <string>

#include "kilang/core/document.h"

namespace kilang {
namespace {

std::string Utf16(std::string_view ascii, bool little_endian) {
  std::string out;
  for (char c : ascii) {
    if (little_endian) {
      out.push_back(c);
      out.push_back('\0');
    } else {
      out.push_back('\0');
      out.push_back(c);
    }
  }
  return out;
}

const char kPage[] =
    "<html><head><title>Berita kota</title></head><body><article><p>Pemerintah kota "
    "mengumumkan jadwal baru untuk layanan bus umum mulai pekan depan. Warga diminta memeriksa "
    "informasi resmi di situs dinas perhubungan setempat.</p><p>Jadwal lengkap diumumkan di "
    "kantor dinas dan di halte utama kota pada hari Senin.</p></article></body></html>";

TEST(Extractor, Utf16WithoutBomIsReadByTheTransportCharset) {
  const Extractor ex;
  for (bool le : {true, false}) {
    ExtractOptions opt;
    opt.declared_charset = le ? "utf-16le" : "UTF-16BE";
    Document doc;
    ExtractReport report;
    Status s = ex.Extract(Utf16(kPage, le), opt, &doc, &report);
    ASSERT_TRUE(s.ok()) << le << " " << s.ToString();
    EXPECT_NE(doc.text.find("Pemerintah kota mengumumkan"), std::string::npos) << doc.text;
    EXPECT_EQ(report.format, InputFormat::kHtml);
  }
  // A UTF-16 label on UTF-8 bytes (a server's mistake) does not garble the page.
  ExtractOptions lying;
  lying.declared_charset = "utf-16le";
  Document utf8;
  ASSERT_TRUE(ex.Extract(kPage, lying, &utf8, nullptr).ok());
  EXPECT_NE(utf8.text.find("Pemerintah kota mengumumkan"), std::string::npos) << utf8.text;
}

}  // namespace
}  // namespace kilang
