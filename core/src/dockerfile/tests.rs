use super::*;

#[test]
fn instructions_lines_comments_and_stages() {
    let text = "# syntax=docker/dockerfile:1\n\nARG TAG=1.22\nARG REG\n# Build stage\nFROM --platform=$BUILDPLATFORM golang:${TAG} AS Builder\nRUN apt-get update && \\\n    # a comment inside\n    apt-get install -y gcc\n\nFROM gcr.io/distroless/base\nCOPY --from=builder /app/app /\nUSER nonroot:nonroot\nCMD [\"/app\"]\n";
    let df = parse_dockerfile(text).unwrap();
    assert_eq!(df.directives, vec![Directive { name: "syntax".into(), value: "docker/dockerfile:1".into(), line: 1 }]);
    assert_eq!(df.global_args, vec![("TAG".into(), Some("1.22".into())), ("REG".into(), None)]);
    assert_eq!(df.stages.len(), 2);
    let b = &df.stages[0];
    assert_eq!((b.name.as_deref(), b.image.as_str(), b.line, b.unresolved), (Some("builder"), "golang:1.22", 6, false));
    assert_eq!(b.platform.as_deref(), Some("$BUILDPLATFORM"));
    let run = &df.instructions[3];
    assert_eq!((run.keyword.as_str(), run.line, run.end_line), ("RUN", 7, 9));
    assert_eq!(run.args, "apt-get update &&     apt-get install -y gcc");
    let from2 = &df.instructions[4];
    assert_eq!(from2.line, 11);
    let copy = &df.instructions[5];
    assert_eq!(copy.flag("from"), Some("builder"));
    assert_eq!(copy.stage, Some(1));
    assert_eq!(df.instructions[7].form, Form::Exec(vec!["/app".into()]));
    assert_eq!(df.instructions[2].comments, vec!["Build stage".to_owned()]);
    assert_eq!(df.final_stage().unwrap().index, 1);
}

#[test]
fn escape_directive_and_backtick_continuation() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN Write-Host `\n    hello\nENV GOPATH C:\\go\n";
    let df = parse_dockerfile(text).unwrap();
    assert_eq!(df.escape, '`');
    assert_eq!(df.instructions[1].args, "Write-Host     hello");
    assert_eq!(df.instructions[2].line, 5);
    assert!(parse_dockerfile("# escape=x\nFROM a\n").is_err());
    // a directive after a blank line is a comment
    let df = parse_dockerfile("\n# escape=`\nFROM a\nRUN x \\\n y\n").unwrap();
    assert_eq!(df.escape, '\\');
}

#[test]
fn heredocs() {
    let text = "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nCOPY <<-\"CONF\" /etc/app.conf\n\tkey=value\n\tCONF\nRUN python3 <<'PY'\nprint(1)\nPY\nUSER 1000\n";
    let df = parse_dockerfile(text).unwrap();
    let run = &df.instructions[1];
    assert_eq!(run.heredocs.len(), 1);
    assert_eq!(run.heredocs[0].body, "apt-get update\napt-get install -y curl\n");
    assert_eq!((run.line, run.end_line), (2, 5));
    let copy = &df.instructions[2];
    assert!(copy.heredocs[0].strip_tabs && copy.heredocs[0].quoted);
    assert_eq!(copy.heredocs[0].body, "key=value\n");
    assert_eq!(df.instructions[4].keyword, "USER");
    assert_eq!(df.instructions[4].line, 12);
    assert!(shell::run_script(run).contains("apt-get install -y curl"));
    assert!(!shell::run_script(&df.instructions[3]).contains("print"));
    let e = parse_dockerfile("FROM a\nRUN <<EOF\necho\n").unwrap_err();
    assert_eq!((e.kind(), e.line()), (DockerfileErrorKind::UnterminatedHeredoc, 2));
    // shifts and quoted << are not heredocs
    let df = parse_dockerfile("FROM a\nRUN echo $((1<<2)) '<<EOF'\nUSER 1\n").unwrap();
    assert!(df.instructions[1].heredocs.is_empty());
}

#[test]
fn env_arg_forms() {
    let df =
        parse_dockerfile("FROM a\nENV A=1 B=\"two words\" C='x'\nENV LEGACY value with spaces\nARG X Y=2\nLABEL a=b\n")
            .unwrap();
    assert_eq!(
        df.instructions[1].pairs(),
        vec![("A".into(), Some("1".into())), ("B".into(), Some("two words".into())), ("C".into(), Some("x".into()))]
    );
    assert_eq!(df.instructions[2].pairs(), vec![("LEGACY".into(), Some("value with spaces".into()))]);
    assert_eq!(df.instructions[3].pairs(), vec![("X".into(), None), ("Y".into(), Some("2".into()))]);
}

#[test]
fn from_args_and_stage_references() {
    let df = parse_dockerfile(
        "ARG BASE=debug\nARG V\nFROM alpine:3.20 AS debug\nFROM ${BASE_DISTRIBUTION:-debug}\nFROM app:$V\nFROM scratch\n",
    )
    .unwrap();
    assert_eq!(df.stages[1].parent, Some(0));
    assert!(df.stages[2].unresolved);
    assert!(df.stages[3].is_scratch());
    assert_eq!(df.final_chain().len(), 1);
    let df = parse_dockerfile("FROM a AS base\nUSER app\nFROM base AS final\nENV X=1\n").unwrap();
    assert_eq!(df.final_chain().iter().map(|s| s.index).collect::<Vec<_>>(), vec![1, 0]);
    assert_eq!(df.root_stage(&df.stages[1]).image, "a");
}

#[test]
fn errors_are_typed_with_lines() {
    let e = parse_dockerfile("FROM a\nRUNN x\n").unwrap_err();
    assert_eq!((e.kind(), e.line()), (DockerfileErrorKind::UnknownInstruction, 2));
    let e = parse_dockerfile("# hi\nRUN x\nFROM a\n").unwrap_err();
    assert_eq!((e.kind(), e.line()), (DockerfileErrorKind::InstructionBeforeFrom, 2));
    assert_eq!(parse_dockerfile("# only a comment\n").unwrap_err().kind(), DockerfileErrorKind::NoFrom);
    assert_eq!(parse_dockerfile("FROM a b\n").unwrap_err().kind(), DockerfileErrorKind::InvalidFrom);
    assert_eq!(parse_dockerfile("FROM\n").unwrap_err().kind(), DockerfileErrorKind::MissingArguments);
    assert!(parse_dockerfile("").is_err());
}

#[test]
fn never_panics_on_odd_input() {
    for t in [
        "\\",
        "FROM a\\",
        "FROM a\nRUN \\",
        "FROM a\nRUN <<",
        "FROM a\nRUN <<-",
        "FROM a\nRUN <<\"E",
        "\u{feff}FROM a\r\nRUN x\r\n",
        "FROM a\nENV",
        "FROM a\nUSER ${",
        "FROM ${\n",
    ] {
        let _ = parse_dockerfile(t);
    }
}

#[test]
fn names() {
    for n in [
        "Dockerfile",
        "a/b/Dockerfile.dev",
        "x/app.Dockerfile",
        "build.dockerfile",
        "Containerfile",
        "rootfs/Dockerfile-chroot",
    ] {
        assert!(is_dockerfile_name(n), "{n}");
    }
    for n in ["Dockerfile.yaml", "Dockerfile.dockerignore", "docker-compose.yml", "README.md", "mydockerfile"] {
        assert!(!is_dockerfile_name(n), "{n}");
    }
}
