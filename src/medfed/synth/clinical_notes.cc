#include "medfed/synth/clinical_notes.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>

#include "medfed/synth/phenotype_vocabulary.h"

namespace medfed::synth {
namespace {

// A finding as the note names it: a feature, or (sometimes) only its group.
struct Finding {
  int id;
  const PhenotypeName* name;
};

Finding FeatureFinding(int feature_number) {
  const int x = feature_number - 10000;
  return {feature_number, &FeatureName(x / 100, x / 10 % 10, x % 10)};
}

Finding GroupFinding(int feature_number) {
  const int x = feature_number - 10000;
  return {1000 + x / 10, &GroupName(x / 100, x / 10 % 10)};
}

class Writer {
 public:
  explicit Writer(uint64_t seed) : random_(seed) {}

  size_t Below(size_t n) { return static_cast<size_t>(random_() % n); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(random_) < p; }
  template <class T>
  const T& Pick(const std::vector<T>& options) {
    return options[Below(options.size())];
  }

  // English: the name, its synonym, lower-cased mid-sentence, sometimes in the plural.
  std::string English(const Finding& finding) {
    std::string text = finding.name->english;
    if (*finding.name->synonym != '\0' && Chance(0.35)) text = finding.name->synonym;
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z' && (text.size() < 2 || text[1] < 'A' || text[1] > 'Z')) {
      text[0] = static_cast<char>(text[0] - 'A' + 'a');
    }
    for (const char* countable : {"seizure", "fracture", "cyst", "spot", "macule", "infection"}) {
      const std::string ending(countable);
      if (text.size() >= ending.size() && text.compare(text.size() - ending.size(), ending.size(), ending) == 0 &&
          Chance(0.5)) {
        text += "s";
      }
    }
    return text;
  }
  static std::string Capitalized(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
    return text;
  }
  static std::string Chinese(const Finding& finding) { return finding.name->chinese; }

 private:
  std::mt19937_64 random_;
};

std::string JoinEnglish(const std::vector<std::string>& items, const char* conjunction) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += i + 1 == items.size() ? std::string(" ") + conjunction + " " : ", ";
    text += items[i];
  }
  return text;
}

std::string JoinChinese(const std::vector<std::string>& items) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) text += (i ? "、" : "") + items[i];
  return text;
}

}  // namespace

std::vector<LabelledNote> GenerateClinicalNotes(const RareDiseaseNetwork& network, size_t per_language, uint64_t seed) {
  Writer writer(seed);
  std::vector<LabelledNote> notes;
  for (const std::string language : {"en", "zh"}) {
    for (size_t n = 0; n < per_language; ++n) {
      const auto& features = network.disease_features[writer.Below(network.disease_features.size())];
      std::vector<int> chosen = features;
      std::shuffle(chosen.begin(), chosen.end(), std::mt19937_64(writer.Below(1u << 30)));
      chosen.resize(3 + writer.Below(3));
      std::vector<Finding> present;
      std::set<int> systems;
      for (int feature : chosen) {
        present.push_back(writer.Chance(0.15) ? GroupFinding(feature) : FeatureFinding(feature));
        systems.insert((feature - 10000) / 100);
      }
      // Looked for and absent, and a relative's: from organ systems the patient's findings are not in.
      auto elsewhere = [&]() {
        while (true) {
          const int system = static_cast<int>(writer.Below(kVocabularySystems));
          if (systems.count(system)) continue;
          const int feature = 10000 + system * 100 + static_cast<int>(writer.Below(kVocabularyGroups)) * 10 +
                              static_cast<int>(writer.Below(kVocabularyFeatures));
          return writer.Chance(0.2) ? GroupFinding(feature) : FeatureFinding(feature);
        }
      };
      std::vector<Finding> absent(1 + writer.Below(3));
      for (auto& finding : absent) finding = elsewhere();
      std::vector<Finding> relative(writer.Chance(0.6) ? 1 : 0);
      for (auto& finding : relative) finding = elsewhere();
      std::set<std::string> labels;
      for (const auto& finding : present) labels.insert(SyntheticTermId(finding.id));
      // A finding both looked for and present would make the label ambiguous: drop it.
      auto unlabelled = [&](std::vector<Finding>& findings) {
        findings.erase(std::remove_if(findings.begin(), findings.end(),
                                      [&](const Finding& f) { return labels.count(SyntheticTermId(f.id)) > 0; }),
                       findings.end());
      };
      unlabelled(absent);
      unlabelled(relative);

      std::string text;
      const size_t age = 1 + writer.Below(15);
      const bool girl = writer.Chance(0.5);
      size_t next = 0;  // the next present finding to write
      if (language == "en") {
        std::vector<std::string> p;
        for (const auto& finding : present) p.push_back(writer.English(finding));
        const std::string child = girl ? "girl" : "boy";
        const std::string pronoun = girl ? "She" : "He";
        text += writer.Pick(std::vector<std::string>{
                    std::to_string(age) + "-year-old " + child + " referred for evaluation of " + p[0] + ".",
                    "A " + std::to_string(age) + "-year-old " + child + " was seen in the genetics clinic with " +
                        p[0] + ".",
                    "Reason for referral: " + p[0] + "."}) +
                "\n";
        next = 1;
        if (writer.Chance(0.5))
          text += writer.Pick(std::vector<std::string>{"Birth history was unremarkable.\n",
                                                       "Immunizations are up to date.\n",
                                                       "Pregnancy and delivery were uneventful.\n"});
        // The middle of the note: the rest of the findings, with the negated ones between them.
        std::vector<std::string> n;
        for (const auto& finding : absent) n.push_back(writer.English(finding));
        while (next < p.size()) {
          const size_t take = std::min(p.size() - next, 1 + writer.Below(2));
          std::vector<std::string> group(p.begin() + static_cast<std::ptrdiff_t>(next),
                                         p.begin() + static_cast<std::ptrdiff_t>(next + take));
          next += take;
          text += writer.Pick(std::vector<std::string>{"On examination there was " + JoinEnglish(group, "and") + ".",
                                                       "Examination showed " + JoinEnglish(group, "and") + ".",
                                                       pronoun + " also has " + JoinEnglish(group, "and") + ".",
                                                       Writer::Capitalized(JoinEnglish(group, "and")) + " noted at " +
                                                           std::to_string(1 + writer.Below(24)) + " months.",
                                                       "The patient has " + JoinEnglish(group, "and") + "."}) +
                  "\n";
          if (!n.empty() && writer.Chance(0.6)) {
            const std::string negated = n.back();
            n.pop_back();
            text += writer.Pick(std::vector<std::string>{
                        "No " + negated + ".", "There was no evidence of " + negated + ".",
                        pronoun + " denies " + negated + ".", Writer::Capitalized(negated) + " was ruled out.",
                        "Negative for " + negated + ".", Writer::Capitalized(negated) + " is absent.",
                        "Parents report no " + negated + ", but the child has frequent tantrums."}) +
                    "\n";
          }
        }
        if (!n.empty()) {
          text += writer.Pick(std::vector<std::string>{"No " + JoinEnglish(n, "or") + ".",
                                                       "Without " + JoinEnglish(n, "or") + ".",
                                                       "There is no " + JoinEnglish(n, "or") + "."}) +
                  "\n";
        }
        for (const auto& finding : relative) {
          const std::string f = writer.English(finding);
          text += writer.Pick(
                      std::vector<std::string>{"Family history: mother with " + f + ".", "Her father has " + f + ".",
                                               "A maternal uncle had " + f + ".",
                                               "Family history is notable for " + f + " in the paternal grandmother.",
                                               "An older brother has " + f + "; the patient does not."}) +
                  "\n";
        }
      } else {
        std::vector<std::string> p;
        for (const auto& finding : present) p.push_back(Writer::Chinese(finding));
        text +=
            writer.Pick(std::vector<std::string>{
                "患儿，" + std::string(girl ? "女" : "男") + "，" + std::to_string(age) + "岁，因“" + p[0] + "”就诊。",
                "患儿" + std::to_string(age) + "岁，主诉" + p[0] + "。", "主诉：" + p[0] + "。"}) +
            "\n";
        next = 1;
        if (writer.Chance(0.5))
          text +=
              writer.Pick(std::vector<std::string>{"出生史无特殊。\n", "预防接种按计划进行。\n", "生命体征平稳。\n"});
        std::vector<std::string> n;
        for (const auto& finding : absent) n.push_back(Writer::Chinese(finding));
        while (next < p.size()) {
          const size_t take = std::min(p.size() - next, 1 + writer.Below(2));
          std::vector<std::string> group(p.begin() + static_cast<std::ptrdiff_t>(next),
                                         p.begin() + static_cast<std::ptrdiff_t>(next + take));
          next += take;
          text += writer.Pick(
                      std::vector<std::string>{"查体：" + JoinChinese(group) + "。", "另见" + JoinChinese(group) + "。",
                                               "伴" + JoinChinese(group) + "。", "检查提示" + JoinChinese(group) + "。",
                                               "患儿有" + JoinChinese(group) + "。"}) +
                  "\n";
          if (!n.empty() && writer.Chance(0.6)) {
            const std::string negated = n.back();
            n.pop_back();
            text += writer.Pick(std::vector<std::string>{"无" + negated + "。", "否认" + negated + "。",
                                                         "未见" + negated + "。", "不伴" + negated + "。",
                                                         negated + "已排除。", "无明显" + negated + "，但有哭闹。"}) +
                    "\n";
          }
        }
        if (!n.empty()) {
          text += writer.Pick(std::vector<std::string>{"无" + JoinChinese(n) + "。", "否认" + JoinChinese(n) + "。",
                                                       "未见" + JoinChinese(n) + "等。"}) +
                  "\n";
        }
        for (const auto& finding : relative) {
          const std::string f = Writer::Chinese(finding);
          text +=
              writer.Pick(std::vector<std::string>{"家族史：母亲有" + f + "。", "其父亲患" + f + "。",
                                                   "舅舅有" + f + "病史。", "患儿哥哥有" + f + "，患儿无此表现。"}) +
              "\n";
        }
      }
      char name[32];
      std::snprintf(name, sizeof name, "%s_%03zu", language.c_str(), n + 1);
      notes.push_back({name, language, text, std::vector<std::string>(labels.begin(), labels.end())});
    }
  }
  return notes;
}

std::string NoteLabelsTsv(const std::vector<LabelledNote>& notes) {
  std::string tsv = "note\tlanguage\tpresent\n";
  for (const auto& note : notes) {
    std::string present;
    for (const auto& id : note.present) present += (present.empty() ? "" : ";") + id;
    tsv += note.name + "\t" + note.language + "\t" + present + "\n";
  }
  return tsv;
}

}  // namespace medfed::synth
