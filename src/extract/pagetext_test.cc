#include "kilang/extract/pagetext.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace kilang {
namespace {

Document ExtractPage(std::string_view text, std::optional<DateTime> now = std::nullopt) {
  static const PageTextExtractor extractor;
  Document d;
  extractor.Extract(text, now, &d);
  return d;
}

constexpr std::string_view kIndonesianPage =
    "Beranda\nNasional\nEkonomi\nOlahraga\n\n"
    "Harga Cabai Melonjak Jelang Akhir Tahun di Pasar Tradisional\n\n"
    "Senin, 9 Desember 2024 - 10:15 WIB\n"
    "loading...\n"
    "Harga cabai rawit di sejumlah pasar tradisional naik hampir dua kali lipat dalam sepekan "
    "terakhir, menurut pantauan pedagang dan dinas perdagangan setempat.\n\n"
    "Kenaikan ini dipicu oleh curah hujan tinggi yang membuat panen di beberapa sentra produksi "
    "terganggu, sementara permintaan meningkat menjelang libur akhir tahun.\n\n"
    "Baca juga: Pemerintah Siapkan Operasi Pasar untuk Tekan Harga\n\n"
    "\"Kami berharap pasokan kembali normal dalam dua minggu ke depan,\" kata seorang pejabat "
    "dinas kepada wartawan di kantornya.\n"
    "(abc)\n"
    "Berita Terkait\n"
    "Harga Beras Stabil...\n"
    "Harga Beras Stabil Menjelang Natal dan Tahun Baru\n"
    "Petani Bawang Merugi...\n"
    "Petani Bawang Merugi Akibat Banjir di Brebes\n"
    "Berita Terkini\n"
    "Gempa Guncang...\n"
    "Gempa Guncang Wilayah Selatan Jawa\n"
    "10 menit yang lalu\n"
    "Copyright \xC2\xA9 2024 KabarPasar.co.id All Rights Reserved\n";

TEST(PageText, KeepsArticleParagraphsAndDropsChrome) {
  Document d = ExtractPage(kIndonesianPage);
  EXPECT_NE(d.text.find("Harga cabai rawit"), std::string::npos);
  EXPECT_NE(d.text.find("Kenaikan ini dipicu"), std::string::npos);
  EXPECT_NE(d.text.find("\"Kami berharap"), std::string::npos);
  for (std::string_view chrome : {"Beranda", "loading", "Baca juga", "Berita Terkait", "Stabil...",
                                  "menit yang lalu", "Copyright", "(abc)", "Gempa"}) {
    EXPECT_EQ(d.text.find(chrome), std::string::npos) << chrome << " leaked into:\n" << d.text;
  }
}

TEST(PageText, ParagraphsAreJoinedBySingleNewlines) {
  Document d = ExtractPage(kIndonesianPage);
  EXPECT_EQ(d.text.find("\n\n"), std::string::npos);
  EXPECT_EQ(std::count(d.text.begin(), d.text.end(), '\n'), 2);
}

TEST(PageText, TitleIsTheHeadlineAndNotPartOfTheText) {
  Document d = ExtractPage(kIndonesianPage);
  EXPECT_EQ(d.metadata.title, "Harga Cabai Melonjak Jelang Akhir Tahun di Pasar Tradisional");
  EXPECT_EQ(d.text.find("Harga Cabai Melonjak"), std::string::npos);
}

TEST(PageText, AuthorInitialsInBracketsAreTheAuthor) {
  EXPECT_EQ(ExtractPage(kIndonesianPage).metadata.author, "abc");
}

TEST(PageText, SiteComesFromTheCopyrightLine) {
  EXPECT_EQ(ExtractPage(kIndonesianPage).metadata.site, "KabarPasar.co.id");
  Document d = ExtractPage(
      "A Headline About Something\n\nThe first paragraph of the story is long enough to be "
      "prose, with commas, clauses, and a full stop at the end.\n\nA second paragraph continues "
      "the story and also ends with a full stop, as paragraphs do.\n"
      "\xC2\xA9 2024 The Riverside Ledger. All rights reserved.\n");
  EXPECT_EQ(d.metadata.site, "The Riverside Ledger");
}

TEST(PageText, LanguageIsGuessedFromStopwords) {
  EXPECT_EQ(ExtractPage(kIndonesianPage).metadata.lang, "id");
}

TEST(PageText, BylinePrefixGivesTheAuthor) {
  Document d = ExtractPage(
      "Council Votes to Extend Library Hours\n\nBy Jane Doe\n\nThe city council voted on Tuesday "
      "to extend opening hours at five public libraries, the first in the region to do so.\n\n"
      "Supporters said the change would give students and shift workers a quiet place to work "
      "in the evening, when most other public buildings are closed.\n");
  EXPECT_EQ(d.metadata.author, "Jane Doe");
  EXPECT_EQ(d.text.find("By Jane Doe"), std::string::npos);
}

TEST(PageText, TeaserAndFullTitlePairsAreDropped) {
  Document d = ExtractPage(
      "Story Headline Goes Here\n\nThe only paragraph of this story is long enough to count as "
      "prose, and it ends properly with a period.\n\nAnother paragraph follows, and it also "
      "reads like prose written by a person.\nRelated\nAnother Story About...\nAnother Story "
      "About Something Else Entirely\nThird Story Cut...\nThird Story Cut Short Here\n");
  EXPECT_EQ(d.text.find("Another Story"), std::string::npos) << d.text;
  EXPECT_EQ(d.text.find("Third Story"), std::string::npos);
}

std::string PostWithComments() {
  std::string page =
      "Blog Post Title\n\nThe post itself is a single, fairly long paragraph that explains the "
      "topic of the day, and it ends with a period as prose does.\n\nComments\n";
  const char* topics[] = {"prices", "the weather", "the schedule", "the results"};
  for (int i = 0; i < 4; ++i) {
    page += std::string("Reader number ") + std::to_string(i) +
            "\n\nI have a question about " + topics[i] +
            ", and it is a long question, because I want to know many things that the post did "
            "not cover in enough detail for me.\n\n";
  }
  return page;
}

// The comment thread is evidence for the learned model, not a verdict: whatever it keeps of the
// thread, the post comes first and the marker itself is never body text.
TEST(PageText, CommentsNeverReplaceThePostThatPrecedesThem) {
  Document d = ExtractPage(PostWithComments());
  EXPECT_EQ(d.text.rfind("The post itself", 0), 0u) << d.text;
  EXPECT_EQ(d.text.find("Comments"), std::string::npos) << d.text;
}

TEST(PageText, DropCommentsOptionCutsTheThread) {
  PageTextOptions options;
  options.drop_comments = true;
  PageTextExtractor ex(Lexicon::Default(), options);
  Document d;
  ex.Extract(PostWithComments(), std::nullopt, &d);
  EXPECT_NE(d.text.find("The post itself"), std::string::npos) << d.text;
  EXPECT_EQ(d.text.find("I have a question"), std::string::npos) << d.text;
}

TEST(PageText, EmptyAndWhitespaceOnlyInputGiveEmptyText) {
  EXPECT_EQ(ExtractPage("").text, "");
  EXPECT_EQ(ExtractPage("  \n\n\t\r\n ").text, "");
}

TEST(PageText, CrLfLineEndsAreHandled) {
  Document d = ExtractPage(
      "Headline Here\r\n\r\nA paragraph that is long enough to be taken for prose, ending with a "
      "period.\r\n\r\nAnother paragraph that is long enough to be prose, also with a period.\r\n");
  EXPECT_EQ(d.text.find('\r'), std::string::npos);
  EXPECT_NE(d.text.find("Another paragraph"), std::string::npos);
}

TEST(PageText, HugeSingleLineIsCutNotFatal) {
  PageTextOptions o;
  o.max_line_bytes = 1000;
  PageTextExtractor ex(Lexicon::Default(), o);
  std::string page(50'000, 'a');
  for (size_t i = 5; i < page.size(); i += 6) page[i] = ' ';
  Document d;
  ex.Extract(page, std::nullopt, &d);
  EXPECT_LE(d.text.size(), 1000u);
}

}  // namespace
}  // namespace kilang
