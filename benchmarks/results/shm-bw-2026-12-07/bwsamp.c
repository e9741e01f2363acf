/* Window samples (OSU bw's window of 64 MPI_Isend/MPI_Irecv, page-aligned buffers as the
 * harness allocates them), each after a barrier, timed on rank 0 including the ack.
 *   bwsamp MODE SIZES SAMPLES     MODE bw|bibw|lat; SIZES comma list (bytes)
 * prints: mode size best p25 p50 (MB/s; lat: us one way) */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void*a,const void*b){double x=*(const double*)a,y=*(const double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  MPI_Init(&argc,&argv);
  int me; MPI_Comm_rank(MPI_COMM_WORLD,&me); int peer=1-me;
  const char*mode=argv[1]; int samples=atoi(argv[3]); const int window=64;
  long maxs=8<<20; char*sb,*rb; posix_memalign((void**)&sb,4096,maxs); posix_memalign((void**)&rb,4096,maxs);
  memset(sb,1,maxs); memset(rb,2,maxs);
  double*t=malloc(sizeof(double)*samples); MPI_Request rq[2*64]; char ack[4];
  char*list=strdup(argv[2]);
  for(char*tok=strtok(list,",");tok;tok=strtok(NULL,",")){
    long size=atol(tok);
    for(int it=-3;it<samples;++it){
      MPI_Barrier(MPI_COMM_WORLD);
      double a=MPI_Wtime();
      if(!strcmp(mode,"bw")){
        if(me==0){for(int w=0;w<window;++w)MPI_Isend(sb,size,MPI_BYTE,1,1,MPI_COMM_WORLD,&rq[w]);MPI_Waitall(window,rq,MPI_STATUSES_IGNORE);MPI_Recv(ack,4,MPI_BYTE,1,2,MPI_COMM_WORLD,MPI_STATUS_IGNORE);}
        else{for(int w=0;w<window;++w)MPI_Irecv(rb,size,MPI_BYTE,0,1,MPI_COMM_WORLD,&rq[w]);MPI_Waitall(window,rq,MPI_STATUSES_IGNORE);MPI_Send(ack,4,MPI_BYTE,0,2,MPI_COMM_WORLD);}
      }else if(!strcmp(mode,"bibw")){
        for(int w=0;w<window;++w)MPI_Irecv(rb,size,MPI_BYTE,peer,1,MPI_COMM_WORLD,&rq[w]);
        for(int w=0;w<window;++w)MPI_Isend(sb,size,MPI_BYTE,peer,1,MPI_COMM_WORLD,&rq[window+w]);
        MPI_Waitall(2*window,rq,MPI_STATUSES_IGNORE);
      }else{
        for(int k=0;k<10;++k){
        if(me==0){MPI_Send(sb,size,MPI_BYTE,1,1,MPI_COMM_WORLD);MPI_Recv(rb,size,MPI_BYTE,1,1,MPI_COMM_WORLD,MPI_STATUS_IGNORE);}
        else{MPI_Recv(rb,size,MPI_BYTE,0,1,MPI_COMM_WORLD,MPI_STATUS_IGNORE);MPI_Send(sb,size,MPI_BYTE,0,1,MPI_COMM_WORLD);}}
      }
      double b=MPI_Wtime(); if(it>=0)t[it]=b-a;
    }
    if(me==0){qsort(t,samples,sizeof(double),cmp);
      if(!strcmp(mode,"lat")) printf("%s %ld %.2f %.2f %.2f\n",mode,size,t[0]/20*1e6,t[samples/4]/20*1e6,t[samples/2]/20*1e6);
      else {double bytes=(double)size*window*(strcmp(mode,"bibw")?1:2);
      printf("%s %ld %.0f %.0f %.0f\n",mode,size,bytes/t[0]/1e6,bytes/t[samples/4]/1e6,bytes/t[samples/2]/1e6);}
      fflush(stdout);}
  }
  MPI_Finalize(); return 0;
}
