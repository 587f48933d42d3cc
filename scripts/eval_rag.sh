#!/usr/bin/env bash
# Scores resume question answering: retrieval recall@1/@3 and answer hit rate per retrieval mode,
# on the sample resume (data/eval/resume_qa.tsv) and on a second resume in another layout that
# the rules were not tuned on (data/eval/alt_resume_qa.tsv).
#   scripts/eval_rag.sh                                   # extractive answers
#   RAG_MODEL_PATH=models/llm/SmolLM2-135M-Instruct scripts/eval_rag.sh   # also generative and auto
#   RAG_PROMPT_LAYOUT=whole-documents RAG_MODEL_PATH=... scripts/eval_rag.sh   # the whole resume in the prompt
#   RAG_LLM_ENGINE=int8 RAG_MODEL_PATH=... scripts/eval_rag.sh                # another engine (as the server reads it)
#   scripts/eval_rag.sh my_resume.md my_questions.tsv     # your own resume and questions
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
find_jdk
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    require_maven
    mvn_quiet -DskipTests -pl mlportfolio-examples -am package
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "mlportfolio-examples/target/mlportfolio-examples.jar:mlportfolio-examples/target/libs/*" \
        dev.mlportfolio.examples.EvaluateRag "$1" "$2" "$work/$(basename "$1")" ${RAG_MODEL_PATH:+"$RAG_MODEL_PATH" "${RAG_PROMPT_LAYOUT:-excerpts}"} 2>/dev/null
}
if [ $# -ge 2 ]; then
    run "$1" "$2"
else
    run data/resume.md data/eval/resume_qa.tsv
    echo
    run data/eval/alt_resume.txt data/eval/alt_resume_qa.tsv
fi
