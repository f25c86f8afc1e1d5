// motioncue demo: the whole low-data experiment on the built-in default, with a report.
#include <iostream>

#include "motioncue/experiments/demo.h"
#include "verb.h"

namespace {

motioncue::cli::VerbRegistration register_demo(
    "demo",
    "Run the whole low-data experiment on the built-in synthetic benchmark and write a report",
    [](CLI::App& app) {
      auto o = std::make_shared<motioncue::experiments::DemoOptions>();
      app.add_flag("--quick", o->quick, "every stage at tiny sizes (a few minutes)");
      app.add_option("--out", o->out, "output folder (re-running resumes it)");
      app.add_option(
          "--seed", o->seed,
          "seed of every training run (the benchmark is the built-in one, with its own seed)");
      app.add_option("--data", o->data, "use an existing benchmark instead of generating one");
      app.add_option("--set", o->overrides,
                     "key=value for every run (repeatable): refine.* for the arms, model.*, "
                     "train.*, labeled.* for the baselines, e.g. model.backbone=movenet-lightning");
      app.callback([o] {
        motioncue::experiments::run_demo(*o);
        std::cout << "report: " << (o->out / "report.html").string() << "\n";
      });
    });

}  // namespace
