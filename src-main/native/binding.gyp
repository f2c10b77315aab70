{
  "targets": [
    {
      "target_name": "lamina_native",
      "sources": ["lamina_native.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-fast-math"],
      "libraries": ["-lopenblas"]
    }
  ]
}
