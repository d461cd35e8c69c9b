/* A switch-dispatch stack-machine interpreter running a small bytecode program: an
 * iterative Collatz-length search for n = 1..limit, plus a running checksum. Exercises an
 * indirect jump (br_table) per bytecode, loads from the program array and stack traffic in
 * linear memory. Returns the checksum. */
typedef long long i64;

/* HALT is 0 so that the gaps between the program's blocks halt. */
enum { HALT, PUSH, LOAD, STORE, ADD, SUB, MUL, AND, SHR, LT, EQ, JZ, JMP, DUP, DROP };

/* Variables: 0 = n, 1 = limit, 2 = x, 3 = steps, 4 = sum. Designators give each block its
 * address. */
static const int program[128] = {
    [0] = PUSH, 1, STORE, 0,                          /* n = 1 */
    [4] = LOAD, 0, LOAD, 1, LT, JZ, 64,               /* while n < limit: */
    [11] = LOAD, 0, STORE, 2, PUSH, 0, STORE, 3,      /*   x = n; steps = 0 */
    [19] = LOAD, 2, PUSH, 1, EQ, PUSH, 0, EQ, JZ, 52, /*   while x != 1: */
    [29] = LOAD, 2, PUSH, 1, AND, JZ, 104,            /*     if x & 1: */
    [36] = LOAD, 2, PUSH, 3, MUL, PUSH, 1, ADD, JMP, 80, /*   push 3x + 1 */
    [52] = LOAD, 4, LOAD, 3, ADD, STORE, 4, JMP, 92,  /*   sum += steps */
    [64] = LOAD, 4, HALT,                             /* return sum */
    [80] = STORE, 2, LOAD, 3, PUSH, 1, ADD, STORE, 3, JMP, 19, /* x = pushed; steps++ */
    [92] = LOAD, 0, PUSH, 1, ADD, STORE, 0, JMP, 4,   /*   n++ */
    [104] = LOAD, 2, PUSH, 1, SHR, JMP, 80,           /*     else push x >> 1 */
};

static int code[128];

static i64 interpret(i64 limit) {
    i64 stack[64];
    i64 vars[8] = {0};
    int sp = 0, pc = 0;
    vars[1] = limit;
    for (;;) {
        int op = code[pc++];
        switch (op) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case LOAD: stack[sp++] = vars[code[pc++]]; break;
        case STORE: vars[code[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JZ: {
            int t = code[pc++];
            if (stack[--sp] == 0) pc = t;
            break;
        }
        case JMP: pc = code[pc]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        default: return sp > 0 ? stack[sp - 1] : -1;
        }
    }
}

long long run(int limit) {
    for (int i = 0; i < 128; i++) code[i] = program[i];
    return interpret(limit);
}
