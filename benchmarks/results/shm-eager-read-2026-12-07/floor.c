// Hardware floor of moving N bytes one way between two pinned processes, ping-pong.
// floor MODE N ITERS [PIECES]
//  ring: copy into a 64-slot ring (slot 16512 B), flag, receiver copies out (zmpi eager)
//  pipe: same, split into PIECES frames in consecutive slots
//  read: receiver process_vm_readv's the sender's (unchanged) buffer after a flag (CMA)
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <immintrin.h>
#define SLOTS 64
#define SLOT 16512
typedef struct { _Atomic uint32_t seq; uint32_t len; uint64_t addr; char pad[48]; } Hdr;
typedef struct { char ring[2][SLOTS][SLOT]; _Atomic int pid[2]; } Shm;
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static void pin(int c){cpu_set_t s;CPU_ZERO(&s);CPU_SET(c,&s);sched_setaffinity(0,sizeof s,&s);}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
static void ntcopy(char*d,const char*s,size_t n){size_t i=0;for(;i+64<=n;i+=64){__m512i v=_mm512_loadu_si512(s+i);_mm512_stream_si512((void*)(d+i),v);}memcpy(d+i,s+i,n-i);_mm_sfence();}
int main(int argc,char**argv){
  const char*mode=argv[1]; size_t n=atol(argv[2]); int iters=atoi(argv[3]); int pieces=argc>4?atoi(argv[4]):1;
  Shm*m=mmap(0,sizeof(Shm),PROT_READ|PROT_WRITE,MAP_SHARED|MAP_ANONYMOUS,-1,0);
  memset(m,0,sizeof *m);
  int me=fork()==0?1:0; pin(me); m->pid[me]=getpid(); while(!m->pid[1-me]);
  pid_t peer=m->pid[1-me];
  char*sb=aligned_alloc(4096,n+4096),*rb=aligned_alloc(4096,n+4096); memset(sb,me+1,n); memset(rb,0,n);
  uint64_t head=0,tail=0; // head: my outgoing ring index; tail: incoming
  char(*out)[SLOT]=m->ring[me],(*in)[SLOT]=m->ring[1-me];
  double*t=malloc(sizeof(double)*iters);
  int nt=!strcmp(mode,"nt");
  for(int it=-200;it<iters;++it){
    double a=now();
    for(int k=0;k<10;++k){
    for(int dir=0;dir<2;++dir){
      int sending=(dir==0)==(me==0);
      if(sending){
        if(!strcmp(mode,"read")){
          Hdr*h=(Hdr*)out[head%SLOTS]; h->addr=(uint64_t)sb; h->len=n; atomic_store_explicit(&h->seq,(uint32_t)++head,memory_order_release);
          // wait fin
          Hdr*f=(Hdr*)in[tail%SLOTS]; while(atomic_load_explicit(&f->seq,memory_order_acquire)!=(uint32_t)(tail+1)); ++tail;
        } else {
          size_t per=(n+pieces-1)/pieces;
          for(size_t off=0;off<n;off+=per){size_t l=n-off<per?n-off:per;
            Hdr*h=(Hdr*)out[head%SLOTS]; h->len=l; if(nt)ntcopy((char*)(h+1),sb+off,l); else if(strcmp(mode,"outonly"))memcpy(h+1,sb+off,l);
            atomic_store_explicit(&h->seq,(uint32_t)++head,memory_order_release);}
        }
      } else {
        if(!strcmp(mode,"read")){
          Hdr*h=(Hdr*)in[tail%SLOTS]; while(atomic_load_explicit(&h->seq,memory_order_acquire)!=(uint32_t)(tail+1)); ++tail;
          struct iovec l={rb,h->len},r={(void*)h->addr,h->len};
          if(process_vm_readv(peer,&l,1,&r,1,0)!=(ssize_t)h->len){perror("pvr");exit(1);}
          Hdr*f=(Hdr*)out[head%SLOTS]; atomic_store_explicit(&f->seq,(uint32_t)++head,memory_order_release);
        } else {
          size_t got=0; while(got<n){Hdr*h=(Hdr*)in[tail%SLOTS]; while(atomic_load_explicit(&h->seq,memory_order_acquire)!=(uint32_t)(tail+1)); if(strcmp(mode,"inonly"))memcpy(rb+got,h+1,h->len); got+=h->len; ++tail;}
        }
      }
    }}
    double b=now(); if(it>=0)t[it]=(b-a)/20*1e6;
  }
  if(me==0){qsort(t,iters,sizeof(double),cmp);printf("%s %zu x%d: best %.3f p10 %.3f p50 %.3f us one-way\n",mode,n,pieces,t[0],t[iters/10],t[iters/2]);}
  if(me==0)wait(0);
  return 0;
}
