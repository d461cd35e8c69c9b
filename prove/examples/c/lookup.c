// A bounded table lookup, and an unchecked one for contrast.
static const int table[16] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53};

__attribute__((export_name("lookup"))) int lookup(unsigned i) {
    if (i >= 16) return -1;
    return table[i];
}

__attribute__((export_name("lookup_masked"))) int lookup_masked(unsigned i) {
    return table[i & 15];
}

__attribute__((export_name("lookup_unchecked"))) int lookup_unchecked(unsigned i) {
    return table[i];
}

__attribute__((export_name("ratio"))) int ratio(int a, int b) {
    if (b == 0 || (a == -2147483647 - 1 && b == -1)) return 0;
    return a / b;
}
