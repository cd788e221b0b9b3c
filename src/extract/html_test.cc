#include "kilang/extract/html.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "html_internal.h"

namespace kilang {
namespace {

Document Extract(const std::string& html, HtmlOptions opt = {}) {
  HtmlExtractor ex(Lexicon::Default(), opt);
  Document doc;
  ex.Extract(html, std::nullopt, &doc);
  return doc;
}

const char* kPara1 =
    "The city council voted on Tuesday to expand the bus network, a decision that will add "
    "twelve new routes and extend service hours in the eastern districts by next spring.";
const char* kPara2 =
    "Officials said the plan would be paid for by a mix of state grants and fare revenue, and "
    "that the first routes would open in March, with the rest following over the summer.";
const char* kPara3 =
    "Residents who spoke at the meeting were mostly in favour, although some shop owners "
    "worried about the loss of parking spaces along the main street during construction.";

std::string NewsPage() {
  std::string h = R"(<!doctype html><html><head>
<title>Council expands bus network - The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="og:title" content="Council expands bus network">
<meta property="article:published_time" content="2024-10-22T13:38:00+07:00">
<link rel="canonical" href="https://www.example.com/news/bus-network">
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. Accept cookies</div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>Council expands bus network</h1>
<div class="byline">By Jane Doe</div>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<p>)" + std::string(kPara1) +
                  R"(</p>
<h2>How it will be paid for</h2>
<p>)" + std::string(kPara2) +
                  R"(</p>
<ul><li>Twelve new routes</li><li>Longer evening service</li></ul>
<p>)" + std::string(kPara3) +
                  R"(</p>
<div class="related-articles"><h3>Related</h3><ul>
<li><a href="/a">Train fares to rise again next year, operators say</a></li>
<li><a href="/b">New bike lanes open across the old town district</a></li></ul></div>
</article>
<section id="comments"><h3>Comments</h3><div class="comment"><p>This is a long comment from a
reader who disagrees with the plan and explains at length why the money should be spent on
roads instead, with many reasons given.</p></div></section>
</main>
<footer><p>Copyright 2024 The Daily Example. All rights reserved.</p></footer>
</body></html>)";
  return h;
}

TEST(HtmlExtractor, KeepsArticleAndDropsChrome) {
  Document doc = Extract(NewsPage());
  EXPECT_NE(doc.text.find(kPara1), std::string::npos) << doc.text;
  EXPECT_NE(doc.text.find(kPara2), std::string::npos);
  EXPECT_NE(doc.text.find(kPara3), std::string::npos);
  EXPECT_NE(doc.text.find("How it will be paid for"), std::string::npos);
  EXPECT_NE(doc.text.find("Twelve new routes\nLonger evening service"), std::string::npos);
  for (const char* junk : {"cookies", "Home", "Share on Facebook", "Train fares", "long comment",
                           "Copyright", "By Jane Doe"}) {
    EXPECT_EQ(doc.text.find(junk), std::string::npos) << junk << " in:\n" << doc.text;
  }
  // The headline is metadata, not body text.
  EXPECT_NE(doc.text.rfind("Council expands bus network", 0), 0u);
}

TEST(HtmlExtractor, MetadataFromMetaTags) {
  Document doc = Extract(NewsPage());
  EXPECT_EQ(doc.metadata.title, "Council expands bus network");
  EXPECT_EQ(doc.metadata.site, "The Daily Example");
  EXPECT_EQ(doc.metadata.date, "2024-10-22T13:38:00+07:00");
  EXPECT_EQ(doc.metadata.url, "https://www.example.com/news/bus-network");
  EXPECT_EQ(doc.metadata.author, "Jane Doe");
}

TEST(HtmlExtractor, JsonLdGraphWinsOverMeta) {
  std::string h = R"(<html><head><title>Ignored | Site</title>
<meta property="article:published_time" content="2020-01-01">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","name":"Example News"},
 {"@type":"Person","@id":"#p1","name":"Ann Writer"},
 {"@type":["NewsArticle"],"headline":"The real headline","datePublished":"2019-11-21T10:00:00.000Z",
  "author":[{"@id":"#p1"},{"@type":"Person","name":"Bob Second"}],
  "publisher":{"@type":"Organization","name":"Example News Ltd"}}]}</script>
</head><body><p>)" +
                  std::string(kPara1) + "</p></body></html>";
  Document doc = Extract(h);
  EXPECT_EQ(doc.metadata.title, "The real headline");
  EXPECT_EQ(doc.metadata.date, "2019-11-21T10:00:00+00:00");
  EXPECT_EQ(doc.metadata.author, "Ann Writer, Bob Second");
  EXPECT_EQ(doc.metadata.site, "Example News Ltd");
}

TEST(HtmlExtractor, InvalidJsonLdDoesNotCrash) {
  const char* bad[] = {
      R"({"@type":"NewsArticle","headline":"Line
break","datePublished":"2021-05-06",})",
      R"(<!-- {"@type":"NewsArticle","headline":"Wrapped","datePublished":"2021-05-06"} -->)",
      R"({"@type":"NewsArticle","headline":"Unclosed)",
      R"([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[)",
      "",
      "null",
      R"({"@type":"NewsArticle","author":{"name":42},"headline":["x"]})"};
  for (const char* j : bad) {
    std::string h = std::string("<html><head><script type=\"application/ld+json\">") + j +
                    "</script></head><body><p>" + kPara1 + "</p></body></html>";
    Document doc = Extract(h);
    EXPECT_NE(doc.text.find("city council"), std::string::npos) << j;
  }
  html_internal::JsonLdInfo info;
  html_internal::ParseJsonLd(
      "{\"@type\":\"NewsArticle\",\"headline\":\"Line\nbreak\",\"datePublished\":\"2021-05-06\",}",
      &info);
  EXPECT_EQ(info.headline, "Line break");
  EXPECT_EQ(info.date_published, "2021-05-06");
}

TEST(HtmlExtractor, TitleLosesSiteSuffix) {
  using html_internal::CleanTitle;
  EXPECT_EQ(CleanTitle("Council expands bus network - The Daily Example", "The Daily Example", ""),
            "Council expands bus network");
  EXPECT_EQ(CleanTitle("Site News | Council expands bus network", "Site News", ""),
            "Council expands bus network");
  EXPECT_EQ(CleanTitle("Council expands bus network | Politics | DE", "", ""),
            "Council expands bus network");
  EXPECT_EQ(
      CleanTitle("Spider-Man - Far From Home review", "", "Spider-Man - Far From Home review"),
      "Spider-Man - Far From Home review");
  EXPECT_EQ(CleanTitle("Plain title", "X", ""), "Plain title");
  // A blog whose <h1> is its own name.
  EXPECT_EQ(CleanTitle("September 2018 open thread - The Example Blog", "The Example Blog",
                       "The Example Blog"),
            "September 2018 open thread");
  // A headline that names the site is not the site part.
  EXPECT_EQ(CleanTitle("The Guardian view on Hong Kong: a city on the brink | Editorial",
                       "the Guardian", ""),
            "The Guardian view on Hong Kong: a city on the brink");
}

TEST(HtmlExtractor, MachineDatesNormalised) {
  using html_internal::ParseMachineDate;
  EXPECT_EQ(ParseMachineDate("2019-11-21T10:00:00.000+0000")->ToIso(), "2019-11-21T10:00:00+00:00");
  EXPECT_EQ(ParseMachineDate("2019-11-21 10:00")->ToIso(), "2019-11-21T10:00:00");
  EXPECT_EQ(ParseMachineDate("2019-11-21T10:00:00 GMT")->ToIso(), "2019-11-21T10:00:00+00:00");
  EXPECT_EQ(ParseMachineDate("20191121")->ToIso(), "2019-11-21");
  EXPECT_EQ(ParseMachineDate("2019-11-21T10:00:00-05:00")->ToIso(), "2019-11-21T10:00:00-05:00");
  EXPECT_FALSE(ParseMachineDate("yesterday").has_value());
}

TEST(HtmlExtractor, SiteFallsBackToHost) {
  std::string h = R"(<html><head><meta property="og:url" content="https://www.news.example.org/a/b">
</head><body><p>)" +
                  std::string(kPara1) + "</p></body></html>";
  Document doc = Extract(h);
  EXPECT_EQ(doc.metadata.site, "news.example.org");
}

TEST(HtmlExtractor, TimeElementGivesDate) {
  std::string h = R"(<html><body><article><time datetime="2023-08-03T08:15:00+08:00">3 Aug</time>
<p>)" + std::string(kPara1) +
                  "</p></article></body></html>";
  EXPECT_EQ(Extract(h).metadata.date, "2023-08-03T08:15:00+08:00");
}

TEST(HtmlExtractor, TableRowsAreLines) {
  std::string h = std::string("<html><body><article><p>") + kPara1 +
                  "</p><table><tr><th>Pos</th><th>Driver</th></tr><tr><td>1</td><td>Kyle "
                  "Busch</td></tr></table><p>" +
                  kPara2 + "</p></article></body></html>";
  Document doc = Extract(h);
  EXPECT_NE(doc.text.find("\nPos Driver\n1 Kyle Busch\n"), std::string::npos) << doc.text;
}

TEST(HtmlExtractor, UnclosedAndMisnestedTags) {
  std::string h = std::string("<html><body><div><p>") + kPara1 + "<p><b><i>" + kPara2 +
                  "</b></i><div><span>" + kPara3 + "</div></p></table></body>";
  Document doc = Extract(h);
  EXPECT_NE(doc.text.find("city council"), std::string::npos);
  EXPECT_NE(doc.text.find("state grants"), std::string::npos);
  EXPECT_NE(doc.text.find("shop owners"), std::string::npos);
}

TEST(HtmlExtractor, DeepNestingIsBoundedAndFast) {
  {
    // Thousands of open formatting elements, each re-opened in every paragraph.
    std::string h = "<html><body>";
    for (int i = 0; i < 3000; ++i) h += "<b class=c" + std::to_string(i) + ">";
    for (int i = 0; i < 2000; ++i) h += std::string("<p>") + kPara1 + "</p>";
    auto t0 = std::chrono::steady_clock::now();
    Document doc = Extract(h);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_NE(doc.text.find("city council"), std::string::npos);
    EXPECT_LT(secs, 5.0);
  }
  for (const char* tag : {"div", "b", "span", "table", "section", "a"}) {
    std::string h = "<html><body>";
    for (int i = 0; i < 100000; ++i) h += std::string("<") + tag + ">";
    h += kPara1;
    for (int i = 0; i < 100000; ++i) h += std::string("</") + tag + ">";
    h += "</body></html>";
    auto t0 = std::chrono::steady_clock::now();
    Document doc = Extract(h);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // (Text nested in 100,000 links is link text: dropped, but without trouble.)
    if (std::string(tag) != "a") {
      EXPECT_NE(doc.text.find("city council"), std::string::npos) << tag;
    }
    EXPECT_LT(secs, 5.0) << tag;
  }
}

TEST(HtmlExtractor, NulBytesAndControlCharacters) {
  std::string h = std::string("<html><body><p>") + kPara1 + "</p>";
  h += std::string("<p>nul\0here\x01 and more</p>", 26);
  h.push_back('\0');
  h += "</body></html>";
  Document doc = Extract(h);
  EXPECT_NE(doc.text.find("city council"), std::string::npos);
  EXPECT_EQ(doc.text.find('\0'), std::string::npos);
}

TEST(HtmlExtractor, EmptyAndDegeneratePages) {
  for (const char* h : {"", "<html></html>", "<html><body></body></html>", "<", "<<<>>>",
                        "<!-- never closed", "<script>var x = 1;", "plain text, no markup",
                        "<html><head><title>Only a title</title></head><body></body></html>"}) {
    Document doc = Extract(h);
    EXPECT_LE(doc.text.size(), 30u) << h;
  }
  EXPECT_EQ(
      Extract("<html><head><title>Only a title</title></head><body></body></html>").metadata.title,
      "Only a title");
}

TEST(HtmlExtractor, FramesetGivesTitleAndNoCrash) {
  Document doc = Extract(
      "<html><head><title>Frames</title></head><frameset cols='50%,50%'><frame src='a.html'>"
      "<frame src='b.html'><noframes>Your browser does not support frames.</noframes>"
      "</frameset></html>");
  EXPECT_EQ(doc.metadata.title, "Frames");
}

TEST(HtmlExtractor, NoscriptOnlyPageFallsBackToNoscript) {
  std::string h = std::string("<html><body><script>render()</script><noscript><p>") + kPara1 +
                  "</p></noscript></body></html>";
  Document doc = Extract(h);
  EXPECT_NE(doc.text.find("city council"), std::string::npos) << doc.text;
  // With real content elsewhere, noscript text is ignored.
  std::string h2 = std::string(
                       "<html><body><noscript>Please enable JavaScript to continue "
                       "using this site.</noscript><article><p>") +
                   kPara1 + "</p><p>" + kPara2 + "</p></article></body></html>";
  EXPECT_EQ(Extract(h2).text.find("JavaScript"), std::string::npos);
}

TEST(HtmlExtractor, HiddenElementsDropped) {
  std::string h = std::string("<html><body><article><p>") + kPara1 +
                  "</p><p style='display: none'>Hidden promo text that nobody sees.</p><p "
                  "hidden>Also hidden from readers of the page.</p><p>" +
                  kPara2 + "</p></article></body></html>";
  Document doc = Extract(h);
  EXPECT_EQ(doc.text.find("Hidden promo"), std::string::npos);
  EXPECT_EQ(doc.text.find("Also hidden"), std::string::npos);
}

TEST(HtmlExtractor, LargePageIsCutNotRejected) {
  HtmlOptions opt;
  opt.max_html_bytes = 1 << 20;
  std::string p = std::string("<p>") + kPara1 + "</p>\n";
  std::string h = "<html><body><article>";
  while (h.size() < (3u << 20)) h += p;
  h += "</article></body></html>";
  Document doc = Extract(h, opt);
  EXPECT_GT(doc.text.size(), 100000u);
  EXPECT_LT(doc.text.size(), (1u << 20));
}

TEST(HtmlExtractorSlow, FiftyMegabytePage) {
  std::string p = std::string("<p>") + kPara1 + "</p>\n<div class='ad'>buy now</div>\n";
  std::string h = "<html><head><title>Big</title></head><body><article>";
  h.reserve(50u << 20);
  while (h.size() < (50u << 20)) h += p;
  h += "</article></body></html>";
  Document doc = Extract(h);
  EXPECT_EQ(doc.metadata.title, "Big");
  EXPECT_GT(doc.text.size(), 1000000u);
}

TEST(HtmlExtractor, DatelinesBylinesAndCreditsLeaveTheBody) {
  std::string h = std::string("<html><body><article><h1>Headline here</h1>") +
                  "<div>Updated 11:21 pm CST, Tuesday, November 19, 2019</div>" +
                  "<p>By Jane Doe</p><p>" + kPara1 + "</p><p>" + kPara2 + "</p>" +
                  "<p>\xE2\x80\x94 Jane Roe (@janeroe) November 18, 2019</p>" +
                  "<p>(Reporting by Jane Doe; editing by John Smith)</p></article></body></html>";
  Document doc = Extract(h);
  EXPECT_EQ(doc.text.find("Updated"), std::string::npos) << doc.text;
  EXPECT_EQ(doc.text.find("By Jane"), std::string::npos);
  EXPECT_EQ(doc.text.find("Reporting by"), std::string::npos);
  EXPECT_EQ(doc.text.find("Headline here"), std::string::npos);
  // The credit line of an embedded post stays with it.
  EXPECT_NE(doc.text.find("(@janeroe) November 18, 2019"), std::string::npos);
}

TEST(HtmlExtractor, TeaserCardsAndTailPromosDropped) {
  std::string card =
      "<div class='card'><h3><a href='/x'>Another story with a long linked headline</a></h3>"
      "<p>A summary of another story that is long enough to look like a real paragraph, with "
      "commas, stopwords and all the rest of it.</p></div>";
  std::string h = std::string("<html><body><div><article><p>") + kPara1 + "</p><p>" + kPara2 +
                  "</p><p>" + kPara3 +
                  "</p><p>Sign up for our newsletter to get the best stories delivered to your "
                  "inbox every morning.</p></article><div>" +
                  card + card + card + "</div></div></body></html>";
  Document doc = Extract(h);
  EXPECT_NE(doc.text.find("shop owners"), std::string::npos) << doc.text;
  EXPECT_EQ(doc.text.find("newsletter"), std::string::npos) << doc.text;
  EXPECT_EQ(doc.text.find("summary of another story"), std::string::npos) << doc.text;
}

TEST(HtmlExtractor, JsonLdArticleBodyConfirmsBlocks) {
  // A short article with no punctuation would lose against the teaser text; the page's own
  // JSON-LD copy of the body says which text is the article.
  std::string body =
      "Shares rose sharply in early trading after the results came out and analysts "
      "raised their targets for the coming year across the board today";
  std::string h =
      "<html><head><script type='application/ld+json'>{\"@type\":\"NewsArticle\","
      "\"articleBody\":\"" +
      body + " " + body +
      "\"}</script></head><body>"
      "<div class='story'><p>" +
      body + "</p><p>" + body +
      "</p></div>"
      "<div><p>" +
      kPara1 + "</p></div></body></html>";
  Document doc = Extract(h);
  EXPECT_NE(doc.text.find("Shares rose"), std::string::npos) << doc.text;
}

TEST(HtmlExtractor, PrepareHtmlStripsScriptsKeepsJsonLd) {
  std::string out;
  ASSERT_TRUE(html_internal::PrepareHtml(
      "<p>a</p><script>var s = '<p>no</p>';</script><!-- c --><style>p{}</style>"
      "<script type=\"application/ld+json\">{\"a\":1}</script><SCRIPT>x</SCRIPT>"
      "<script type=application/json>{\"b\":2}</script><script type='APPLICATION/LD+JSON'>"
      "{}</script>",
      100, nullptr, &out));
  EXPECT_EQ(out,
            "<p>a</p><script type=\"application/ld+json\">{\"a\":1}</script>"
            "<script type='APPLICATION/LD+JSON'>{}</script>");
  // Whole elements go, end tag included; "</scripty" does not end a script.
  ASSERT_TRUE(html_internal::PrepareHtml(
      "a<script>x = '</scripty>';</script b='>'>b<svg><path d=x /></svg>c<svg/>d", 100, nullptr,
      &out));
  EXPECT_EQ(out, "abc<svg/>d");
  EXPECT_FALSE(html_internal::PrepareHtml("<div><p>plain</p></div>", 100, nullptr, &out));
}

// A script in the tokenizer's escaped states and an unclosed or nested <svg> do not end at the
// first end tag: the pre-pass leaves the rest of the page to the tree builder, so no script text
// leaks into the article and nothing after an unclosed <svg> is lost.
TEST(HtmlExtractor, PrepareHtmlLeavesEscapedScriptsAndOpenSvgToTheParser) {
  Document d = Extract(
      "<html><body><article><p>Visible paragraph before the script, long enough to be kept by "
      "the extractor as article text.</p><script><!-- document.write('<script "
      "src=x.js></script>'); // SECRET_JS_LEAK --></script><p>Visible paragraph after the "
      "script, also long enough to be part of the article text here.</p></article></body>"
      "</html>");
  EXPECT_EQ(d.text.find("SECRET_JS_LEAK"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("Visible paragraph after"), std::string::npos) << d.text;
  d = Extract(
      "<html><body><article><div class=icon><svg viewBox=\"0 0 10 10\"><path d=\"M0 0\"/>"
      "</div><p>First paragraph after an unclosed svg element, which the tree builder closes "
      "at the end of its parent.</p><p>Second paragraph after it, which must not be lost "
      "either by the pre-pass.</p></article></body></html>");
  EXPECT_NE(d.text.find("Second paragraph after it"), std::string::npos) << d.text;
  std::string out;
  // Nested svg: the script before it goes, the rest is left as it is.
  ASSERT_TRUE(html_internal::PrepareHtml("<script>x</script>a<svg><svg></svg>b</svg>c", 100,
                                         nullptr, &out));
  EXPECT_EQ(out, "a<svg><svg></svg>b</svg>c");
}

TEST(HtmlExtractor, PrepareHtmlDropsUnreadAttributesKeepsMetadataOnes) {
  std::string out;
  ASSERT_TRUE(html_internal::PrepareHtml(
      "<html><head><meta charset=utf-8><meta property=\"og:title\" content=\"A > B\">"
      "<link rel=canonical href=\"https://e.com/a\"><link rel=stylesheet href=/x.css>"
      "<script type=\"application/ld+json\" async>{\"a\":1}</script></head>"
      "<body onload=\"f()\"><div class=\"post\" data-x='1>2' ID=main style=\"color:red\">"
      "<a href=\"/next\" title='t' rel=author>Next</a><img src=a.jpg srcset=\"a 1x\" alt=x/>"
      "<time datetime=2020-01-02 pubdate>Jan 2</time><p style=\"DISPLAY: None\" hidden>h</p>"
      "<span aria-hidden=true role=note data-testid=t data-y=2 itemprop=author>N</span>"
      "</div class=x></body></html>",
      100, nullptr, &out));
  EXPECT_EQ(out,
            "<html><head><meta property=\"og:title\" content=\"A > B\">"
            "<link rel=canonical href=\"https://e.com/a\">"
            "<script type=\"application/ld+json\" >{\"a\":1}</script></head>"
            "<body ><div class=\"post\" ID=main >"
            "<a rel=author>Next</a><img >"
            "<time datetime=2020-01-02 pubdate>Jan 2</time><p style=\"DISPLAY: None\" hidden>h</p>"
            "<span aria-hidden=true role=note data-testid=t itemprop=author>N</span>"
            "</div ></body></html>");
  EXPECT_TRUE(html_internal::KeepsAttribute("div", "CLASS", "x"));
  EXPECT_TRUE(html_internal::KeepsAttribute("div", "style", "visibility: HIDDEN"));
  EXPECT_FALSE(html_internal::KeepsAttribute("div", "style", "color: red"));
  EXPECT_FALSE(html_internal::KeepsAttribute("a", "href", "/x"));
  EXPECT_FALSE(html_internal::KeepsAttribute("div", "onclick", "f()"));
  EXPECT_FALSE(html_internal::KeepsAttribute("div", "data-src", "x"));
}

TEST(HtmlExtractor, PrepareHtmlKeepsOnlyMetasThatAreRead) {
  std::string out;
  ASSERT_TRUE(html_internal::PrepareHtml(
      "<meta name=description content=d><meta NAME=Author content=a><meta name=viewport>"
      "<meta property=og:image content=i><meta itemprop=datePublished content=2020>"
      "<meta itemprop=image class=byline content=b><meta name=\"d&#97;te\" content=x>"
      "<link rel=stylesheet href=s><link rel=author href=a><LINK REL=Canonical HREF=c>",
      100, nullptr, &out));
  EXPECT_EQ(out,
            "<meta NAME=Author content=a><meta itemprop=datePublished content=2020>"
            "<meta itemprop=image class=byline content=b><meta name=\"d&#97;te\" content=x>"
            "<link rel=author href=a><LINK REL=Canonical HREF=c>");
  for (std::string_view n : html_internal::kMetaPublishedNames) {
    EXPECT_TRUE(html_internal::IsReadMetaName(n));
  }
  EXPECT_TRUE(html_internal::IsReadMetaName("og:site_name"));
  EXPECT_FALSE(html_internal::IsReadMetaName("og:image"));
}

TEST(HtmlExtractor, PrepareHtmlLiftsJsonLdBodies) {
  std::string out;
  std::vector<html_internal::LiftedScript> lifted;
  ASSERT_TRUE(html_internal::PrepareHtml(
      "<head><script src=x></script><script type=application/ld+json async>{\"a\":\r\n1}"
      "</script><script type=application/ld+json><!-- {} --></script></head>",
      100, nullptr, &out, &lifted));
  EXPECT_EQ(out,
            "<head><script type=application/ld+json ></script>"
            "<script type=application/ld+json><!-- {} --></script></head>");
  ASSERT_EQ(lifted.size(), 1u);
  EXPECT_EQ(lifted[0].tag_offset, 6u);
  EXPECT_EQ(lifted[0].body, "{\"a\":\n1}");
  // The extractor reads lifted bodies where the script element is.
  Document doc = Extract(
      "<html><head><title>T - Site</title><script type='application/ld+json'>{\"@type\":"
      "\"NewsArticle\",\"headline\":\"Lifted headline\",\"datePublished\":\"2020-05-06\"}"
      "</script></head><body><p>" +
      std::string(kPara1) + "</p></body></html>");
  EXPECT_EQ(doc.metadata.title, "Lifted headline");
  EXPECT_EQ(doc.metadata.date.substr(0, 10), "2020-05-06");
}

TEST(HtmlExtractor, PrepareHtmlShrinksIndentationKeepsText) {
  std::string out;
  ASSERT_TRUE(html_internal::PrepareHtml(
      "<div>\n    <p>  one  two\n   </p>\n\n  <pre>\n\n  code\n</pre></div>", 100, nullptr, &out));
  EXPECT_EQ(out, "<div>\n<p> one  two\n</p>\n<pre>\ncode\n</pre></div>");
  // A quoted '>' does not end the tag; an unquoted value may end in '/'.
  ASSERT_TRUE(
      html_internal::PrepareHtml("<a title='x>y' class=c>t</a><img src=a/>", 100, nullptr, &out));
  EXPECT_EQ(out, "<a class=c>t</a><img >");
  // Comments end at "-->" or "--!>"; "<!-->" is an empty comment.
  ASSERT_TRUE(html_internal::PrepareHtml("<!-->a<!-- x --!>b<!-- y -->c", 100, nullptr, &out));
  EXPECT_EQ(out, "abc");
}

TEST(HtmlExtractor, PrepareHtmlKeepsOnlyClassNamesThatGiveHints) {
  const auto* hints = &html_internal::Hints::Default();
  std::string out;
  std::string long_class(301, 'x');
  ASSERT_TRUE(html_internal::PrepareHtml(
      "<div class=\"row col-md-8 entry-content\" id=wrap><p class='grid shareBar x'>a</p>"
      "<p class=\"row\tx\">b</p><p class=\"a&amp;b row\">c</p><p class=" +
          long_class + ">d</p><span class=authorName>e</span></div>",
      100, hints, &out));
  EXPECT_EQ(out,
            "<div class=\"entry-content\" ><p class='shareBar '>a</p><p >b</p>"
            "<p class=\"a&amp;b row\">c</p><p >d</p><span class=authorName>e</span></div>");
  EXPECT_TRUE(hints->IsRelevant("share-bar"));
  EXPECT_TRUE(hints->IsRelevant("post-byline"));
  EXPECT_FALSE(hints->IsRelevant("col-md-8"));
  std::string h;
  html_internal::AppendHintText("RightRailContainer", &h);
  EXPECT_EQ(h, "right-rail-container");
}

TEST(HtmlExtractor, PrepareHtmlIsIdempotentAndKeepsMetadata) {
  // The prepared page has nothing more to leave out and gives the same document, metadata from
  // attributes included (the aeb pages give byte-identical output with and without the pass).
  HtmlExtractor ex;
  Document a, b;
  std::string page =
      "<html><head><title>Bus network - City News</title>"
      "<meta name=author content='Jane Roe'><meta property='article:published_time' "
      "content='2021-03-04T10:00:00Z'><meta property=og:site_name content='City News'>"
      "<link rel=canonical href='https://www.citynews.example/bus'></head><body>"
      "<nav class='menu' data-track='nav'><a href=/>Home</a> <a href=/x>Sport</a></nav>"
      "<article class=post-content data-id=7 style='margin:0'><h1 title=h>Bus network</h1>"
      "<p onclick='x()'>  The city will redraw its bus network next spring, the council said "
      "on Tuesday, after two years of consultation with residents.  </p>\n\n    "
      "<p>Fares stay the same, and night buses will run every thirty minutes on weekends.</p>"
      "<div style='display:none'>Hidden text that must not appear.</div></article>"
      "<footer class=site-footer>Copyright City News</footer></body></html>";
  std::string prepared;
  ASSERT_TRUE(html_internal::PrepareHtml(page, 100, &html_internal::Hints::Default(), &prepared));
  EXPECT_LT(prepared.size(), page.size());
  std::string again;
  EXPECT_FALSE(html_internal::PrepareHtml(prepared, 100, &html_internal::Hints::Default(), &again))
      << again;
  ex.Extract(page, std::nullopt, &a);
  ex.Extract(prepared, std::nullopt, &b);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.metadata.title, b.metadata.title);
  EXPECT_EQ(a.metadata.author, "Jane Roe");
  EXPECT_EQ(a.metadata.author, b.metadata.author);
  EXPECT_EQ(a.metadata.site, b.metadata.site);
  EXPECT_EQ(a.metadata.url, b.metadata.url);
  EXPECT_EQ(a.metadata.date, b.metadata.date);
  EXPECT_EQ(a.metadata.date.substr(0, 10), "2021-03-04");
  EXPECT_EQ(a.metadata.url, "https://www.citynews.example/bus");
  EXPECT_EQ(a.metadata.site, "City News");
  EXPECT_NE(a.text.find("night buses"), std::string::npos) << a.text;
  EXPECT_EQ(a.text.find("Hidden text"), std::string::npos) << a.text;
}

TEST(HtmlExtractor, HintsVocabularyLoads) {
  const auto& h = html_internal::Hints::Default();
  EXPECT_TRUE(h.IsRemove("article-comments"));
  EXPECT_TRUE(h.IsRemove("share-bar"));
  EXPECT_TRUE(h.IsRemove("berita-terkait"));
  EXPECT_FALSE(h.IsRemove("header-image"));
  EXPECT_FALSE(h.IsRemove("shadow"));
  EXPECT_TRUE(h.IsContent("entry-content"));
  EXPECT_TRUE(h.IsRemoveRole("navigation"));
}

}  // namespace
}  // namespace kilang
