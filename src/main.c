/* main.c - the one binary: dispatch to a verb. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "usage: mimamori run|check|replay|alerts [-c FILE]\n");
    return 2;
}
